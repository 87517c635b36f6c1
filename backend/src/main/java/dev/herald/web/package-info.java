/**
 * Cross-cutting web concerns: the home page, error pages and problem+json for the API.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Web",
		type = org.springframework.modulith.ApplicationModule.Type.OPEN)
package dev.herald.web;
