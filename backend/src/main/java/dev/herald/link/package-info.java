/**
 * Link analytics (#26): every link of a sent card leads through {@code /r/<token>}, a
 * signed token per recipient and link that redirects to the announcement's own link as
 * currently stored; clicks are queued in memory and written in batches (no database write
 * on the request path); link scanners and previewers are not counted as people; an admin
 * may turn per-person tracking off (counts only). Owns {@code link_click}.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Link analytics")
package dev.herald.link;
