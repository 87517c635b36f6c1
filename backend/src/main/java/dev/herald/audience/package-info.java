/**
 * Audiences: what an announcement is addressed to (everyone, Entra groups, team rosters,
 * channels, people, a CSV of addresses), the pickers that search them, the directory
 * mirrored from Graph delta, and the set-based resolution of an audience into a snapshot
 * (staging relations only) that the dispatcher freezes into its ledger.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audiences")
package dev.herald.audience;
