/**
 * The bot endpoint {@code POST /api/messages}: authenticates Bot Framework channel
 * tokens, learns conversations from install events and rosters, greets new users, answers
 * typed commands and card actions, and builds the Teams app package.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Bot")
package dev.herald.bot;
