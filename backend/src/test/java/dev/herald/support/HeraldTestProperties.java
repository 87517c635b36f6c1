package dev.herald.support;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

import dev.herald.simulator.TeamsSimulator;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The configuration that points Herald at the simulator and the local identity provider:
 * only base URLs and credentials differ from production. Shared by tests and local mode.
 */
public final class HeraldTestProperties {

	/** The Entra object id listed in {@code herald.security.admins} in tests. */
	public static final String BOOTSTRAP_ADMIN_OID = "0b5e55ed-0000-4000-8000-00000000ad01";

	private HeraldTestProperties() {
	}

	public static void register(DynamicPropertyRegistry registry, TeamsSimulator simulator, String issuer) {
		// The JVM's shutdown hooks stop PostgreSQL while Spring closes the context; a
		// short connection timeout lets the dispatcher's last writes fail fast instead of
		// holding the test JVM's exit for Hikari's default 30 s.
		registry.add("spring.datasource.hikari.connection-timeout", () -> "2000");
		// A bootstrap Admin by immutable object id (TrustIntegrationTests).
		registry.add("herald.security.admins", () -> BOOTSTRAP_ADMIN_OID);
		// The roster refresh looks for a due team twice a second; a roster is due after
		// the default day, so only a test that makes a team due sees one (#27).
		registry.add("herald.bot.roster-refresh.tick", () -> "500ms");
		// The setting of the removed Entra channel-token path, pointed at keys tests can
		// sign with: TrustBotIntegrationTests proves it opens no door any more.
		registry.add("herald.teams.entra-open-id-metadata-url", () -> TestChannel.get().openIdMetadataUrl());
		// Tests trust the simulator's signing keys plus TestChannelKeys' (served merged
		// by TestChannel), so bot tests can sign tokens of their own; local mode keeps
		// the simulator's metadata.
		apply((key, value) -> registry.add(key,
				key.equals("herald.teams.open-id-metadata-url") ? () -> TestChannel.get().openIdMetadataUrl()
						// The tab trusts the simulator's Entra keys plus TestEntra's, so
						// tests can sign Teams sign-on tokens of their own (#24).
						: key.equals("herald.tab.jwk-set-uri") ? () -> TestEntra.get().jwksUrl() : value),
				simulator, issuer);
		// The Application ID URI of the tab's v1 tokens (api://host/appId).
		registry.add("herald.tab.app-id-uri", () -> "api://localhost/" + simulator.botAppId());
	}

	public static void apply(BiConsumer<String, Supplier<Object>> sink, TeamsSimulator simulator, String issuer) {
		sink.accept("herald.teams.bot-app-id", simulator::botAppId);
		// The simulator checks secrets as Entra does (strict by default).
		sink.accept("herald.teams.bot-app-password", simulator::clientSecret);
		sink.accept("herald.teams.tenant-id", simulator::tenantId);
		sink.accept("herald.teams.token-url", simulator::tokenUrl);
		sink.accept("herald.teams.allowed-service-hosts", () -> "localhost");
		sink.accept("herald.teams.open-id-metadata-url", simulator::openIdMetadataUrl);
		sink.accept("herald.graph.base-url", simulator::graphBaseUrl);
		sink.accept("herald.graph.token-url", simulator::tokenUrl);
		sink.accept("herald.graph.teams-app-external-id", simulator::teamsAppExternalId);
		sink.accept("herald.teams.default-service-url", simulator::serviceUrl);
		sink.accept("spring.security.oauth2.client.registration.entra.client-id", () -> "herald-ui");
		sink.accept("spring.security.oauth2.client.registration.entra.client-secret", () -> "local-secret");
		sink.accept("spring.security.oauth2.client.provider.entra.issuer-uri", () -> issuer);
		sink.accept("spring.security.oauth2.resourceserver.jwt.issuer-uri", () -> issuer);
		// The audience TestIdentityProvider's API tokens carry (local mode: "api").
		sink.accept("spring.security.oauth2.resourceserver.jwt.audiences", () -> TestIdentityProvider.API_AUDIENCE);
		sink.accept("herald.local-mode", () -> "true");
		// The personal tab (#24): Teams sign-on tokens signed with the simulator's Entra
		// keys, and the simulator's Teams host page may frame the tab and talk to
		// teams-js.
		sink.accept("herald.tab.jwk-set-uri", () -> TestEntra.simulatorKeysUrl(simulator));
		sink.accept("herald.tab.trusted-host-origins", simulator::baseUrl);
	}

}
