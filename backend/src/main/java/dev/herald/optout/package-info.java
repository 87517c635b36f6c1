/**
 * Opt-outs: people who asked not to receive announcements, at all or for a topic. The
 * dispatcher excludes them when it freezes an audience, through the SQL function
 * {@code herald_opted_out_people} (see {@link dev.herald.optout.OptOuts}). Admins see and
 * change them through {@code /api/v1/admin/opt-outs}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Opt-outs")
package dev.herald.optout;
