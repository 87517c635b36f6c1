/**
 * The conversations Herald may post to (personal chats and channels), learned from Teams
 * activities. Nothing is ever deleted: uninstall and block only change the status.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Conversation store")
package dev.herald.conversation;
