/**
 * Approval before send and author guardrails at send time: the admin setting
 * ({@code off}, {@code always}, {@code large}), submit / approve / reject with a comment
 * (UI queue and API), the hash that binds an approval to the exact content and audience,
 * the Teams card that tells approvers and lets them decide from the chat. Implements the
 * announcement module's {@link dev.herald.announcement.SendPolicy}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Approval")
package dev.herald.approval;
