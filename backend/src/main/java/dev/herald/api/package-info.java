/**
 * Cross-cutting concerns of the public API ({@code /api/v1}): its OpenAPI description,
 * the registry of API clients (systems that send notifications), their quotas,
 * Idempotency-Key records and the request size limit. A feature's endpoints live in its
 * own module.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Public API")
package dev.herald.api;
