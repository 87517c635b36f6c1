/**
 * Cross-cutting concerns of the public API ({@code /api/v1}): its OpenAPI description,
 * the registry of API clients (systems that send notifications), their quotas,
 * Idempotency-Key records, the request size limit, and the delivery report.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Public API")
package dev.herald.api;
