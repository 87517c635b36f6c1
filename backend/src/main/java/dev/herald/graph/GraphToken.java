package dev.herald.graph;

import dev.herald.teams.AccessTokenSource;

/** The app-only token source of Herald's Graph client. */
record GraphToken(AccessTokenSource source) {
}
