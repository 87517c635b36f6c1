/**
 * Microsoft Graph access: one {@code GraphServiceClient} built from
 * {@code herald.graph.*} (base URL, app-only token from a client-credentials grant,
 * allowed hosts), the Teams app catalog lookup and the translation of Graph errors into
 * what callers act on.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Microsoft Graph")
package dev.herald.graph;
