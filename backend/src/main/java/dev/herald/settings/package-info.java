/**
 * Runtime settings: the {@code app_setting} key/value table that admins change on the
 * settings page and every feature reads (guests, proactive install, send rate, approval,
 * retention). Each feature owns its keys; this module owns the table and depends on no
 * other, so any module may read its settings without a cycle.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Settings")
package dev.herald.settings;
