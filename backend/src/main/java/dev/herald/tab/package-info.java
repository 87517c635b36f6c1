/**
 * The employee's personal tab "Announcements" in Teams: the page Teams frames
 * ({@code /tab}), Teams single sign-on for it (a bearer token Teams gives the tab,
 * checked here on every {@code /api/tab/**} request by its own filter chain), and the
 * tab's JSON API: what this person received, in the variant they received, and reading,
 * acknowledging and voting with the same records as the card's buttons.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Personal tab")
package dev.herald.tab;
