/**
 * Announcements: drafting, the Adaptive Card employees receive, and the send lifecycle
 * (draft, scheduled, preparing, sending, paused, sent, canceled). Starting a send only
 * makes it preparing (the dispatcher freezes its audience in the background); canceling
 * is published as an event that the dispatcher acts on in the same transaction.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Announcements")
package dev.herald.announcement;
