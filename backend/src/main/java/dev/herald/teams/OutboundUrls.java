package dev.herald.teams;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Start-up check that every endpoint Herald sends credentials or trusts keys from is
 * reached over https. Local mode ({@code herald.local-mode}, set by the local runner and
 * tests, whose simulator speaks plain http on localhost) is the only exception.
 */
@Component
class OutboundUrls {

	OutboundUrls(TeamsProperties teams, @Value("${herald.local-mode:false}") boolean localMode,
			@Value("${herald.graph.base-url:https://graph.microsoft.com/v1.0}") String graphBaseUrl,
			@Value("${herald.graph.token-url:}") String graphTokenUrl) {
		if (localMode) {
			return;
		}
		Map<String, String> urls = new LinkedHashMap<>();
		urls.put("herald.teams.token-url", teams.tokenUrl().toString());
		urls.put("herald.teams.open-id-metadata-url", teams.openIdMetadataUrl().toString());
		urls.put("herald.graph.base-url", graphBaseUrl);
		urls.put("herald.graph.token-url", graphTokenUrl);
		urls.forEach((name, url) -> {
			if (url != null && !url.isBlank() && !"https".equalsIgnoreCase(URI.create(url.trim()).getScheme())) {
				throw new IllegalStateException(name + " must be an https URL outside local mode: " + url);
			}
		});
	}

}
