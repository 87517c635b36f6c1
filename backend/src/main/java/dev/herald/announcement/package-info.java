/**
 * Announcements: drafting, the Adaptive Card employees receive, and the send lifecycle
 * (draft, scheduled, sending, paused, sent, canceled). Starting or canceling a send is
 * published as an event that the dispatcher acts on in the same transaction.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Announcements")
package dev.herald.announcement;
