/**
 * Admin pages: settings (stored in {@code app_setting}), who holds which role, the
 * retention purge of finished ledgers.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Administration")
package dev.herald.admin;
