package dev.herald.simulator;

import java.net.URI;
import java.net.URL;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CallbackTest extends FakeBotTest {

	@Override
	SimulatorConfig config() {
		return SimulatorConfig.defaults().withUsers(2_000).withInstalledShare(0.5);
	}

	/**
	 * What a bot does (BF-AUTH "Connector to Bot"): true when the request is accepted.
	 */
	boolean validate(String authorization, Map<String, Object> activity) throws Exception {
		Map<String, Object> metadata = this.http.get(this.sim.openIdMetadataUrl(), null).json();
		if (!"https://api.botframework.com".equals(metadata.get("issuer"))) {
			return false;
		}
		String jwksJson = this.http.get((String) metadata.get("jwks_uri"), null).body();
		JWKSet jwks = JWKSet.parse(jwksJson);
		SignedJWT jwt = SignedJWT.parse(authorization.substring("Bearer ".length()));
		RSAKey key = (RSAKey) jwks.getKeyByKeyId(jwt.getHeader().getKeyID());
		if (key == null || !"RS256".equals(jwt.getHeader().getAlgorithm().getName())) {
			return false;
		}
		List<Map<String, Object>> rawKeys = (List<Map<String, Object>>) SimHttp.JSON.readValue(jwksJson, Map.class)
			.get("keys");
		Map<String, Object> rawKey = rawKeys.stream()
			.filter((k) -> key.getKeyID().equals(k.get("kid")))
			.findFirst()
			.orElseThrow();
		if (!((List<String>) rawKey.get("endorsements")).contains((String) activity.get("channelId"))) {
			return false;
		}
		if (!jwt.verify(new RSASSAVerifier(key))) {
			return false;
		}
		JWTClaimsSet claims = jwt.getJWTClaimsSet();
		Date now = new Date();
		return "https://api.botframework.com".equals(claims.getIssuer())
				&& claims.getAudience().contains(this.sim.botAppId())
				&& activity.get("serviceUrl").equals(claims.getStringClaim("serviceurl"))
				&& claims.getExpirationTime().after(now) && !claims.getNotBeforeTime().after(now);
	}

	@Test
	void installCallbacksAreSignedLikeTeams() throws Exception {
		SimUser user = this.sim.tenant().users().get(3);
		this.sim.installForUser(user.id());
		FakeBot.Received install = this.bot.take();
		FakeBot.Received update = this.bot.take();

		assertThat(install.activity()).containsEntry("type", "installationUpdate")
			.containsEntry("action", "add")
			.containsEntry("channelId", "msteams")
			.containsEntry("serviceUrl", this.sim.serviceUrl())
			.containsEntry("locale", user.teamsLocale());
		assertThat((Map<String, Object>) install.activity().get("conversation"))
			.containsEntry("conversationType", "personal")
			.containsEntry("tenantId", this.sim.tenantId())
			.containsEntry("id", this.sim.conversationIdFor(user.id()));
		assertThat((Map<String, Object>) install.activity().get("from")).containsEntry("id", user.teamsUserId())
			.containsEntry("aadObjectId", user.id());
		assertThat((Map<String, Object>) install.activity().get("recipient")).containsEntry("id",
				"28:" + this.sim.botAppId());
		assertThat(install.headers().get("X-ms-tenant-id")).containsExactly(this.sim.tenantId());
		assertThat(update.activity()).containsEntry("type", "conversationUpdate");
		assertThat((List<Map<String, Object>>) update.activity().get("membersAdded")).extracting((m) -> m.get("id"))
			.containsExactly("28:" + this.sim.botAppId(), user.teamsUserId());

		assertThat(validate(install.authorization(), install.activity())).isTrue();
		assertThat(validate(update.authorization(), update.activity())).isTrue();
	}

	@Test
	void tamperedTokenFailsVerification() throws Exception {
		SimUser user = this.sim.tenant().users().get(4);
		this.sim.installForUser(user.id());
		FakeBot.Received install = this.bot.take();
		String[] parts = install.authorization().substring(7).split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
		String forged = payload.replace(this.sim.serviceUrl(), "http://evil.example/amer/");
		assertThat(forged).isNotEqualTo(payload);
		String tampered = "Bearer " + parts[0] + "."
				+ Base64.getUrlEncoder().withoutPadding().encodeToString(forged.getBytes()) + "." + parts[2];
		Map<String, Object> forgedActivity = new java.util.HashMap<>(install.activity());
		forgedActivity.put("serviceUrl", "http://evil.example/amer/");
		assertThat(validate(tampered, forgedActivity)).isFalse();
		assertThat(validate(install.authorization(), forgedActivity)).as("serviceurl claim mismatch").isFalse();
	}

	@Test
	void aCallbackTheBotDidNotTakeIsRepostedOnceAfterTheDelay() throws Exception {
		this.sim.setCallbackRetryDelay(java.time.Duration.ofMillis(400));
		this.bot.failuresLeft.set(1);
		SimUser user = this.sim.tenant().users().get(5);
		long t0 = System.nanoTime();
		this.sim.installForUser(user.id());
		assertThat(this.bot.take().activity()).containsEntry("type", "installationUpdate");
		assertThat((System.nanoTime() - t0) / 1_000_000).as("re-posted after the delay").isGreaterThanOrEqualTo(400);
		assertThat(this.bot.take().activity()).containsEntry("type", "conversationUpdate");
		assertThat((Map<String, Object>) this.sim.stats().get("callbacks")).containsEntry("retried", 1L);
	}

	@Test
	void installForExistingPostsForEveryPreinstalledUserQuickly() throws Exception {
		long t0 = System.nanoTime();
		int n = this.sim.installForExisting();
		long ms = (System.nanoTime() - t0) / 1_000_000;
		assertThat(n).isEqualTo(this.sim.installedAtStart().size()).isBetween(900, 1100);
		assertThat(this.bot.received).hasSize(2 * n);
		assertThat(ms).as("installForExisting of %d users took %d ms", n, ms).isLessThan(20_000);
		System.out.println("installForExisting: " + n + " users, " + (2 * n) + " callbacks in " + ms + " ms");
		// the pre-installed users can be messaged right away
		String token = this.http.botToken();
		String firstInstalled = this.sim.installedAtStart().iterator().next();
		assertThat(this.http
			.post(this.sim.serviceUrl() + "v3/conversations/" + this.sim.conversationIdFor(firstInstalled)
					+ "/activities", token, SimHttp.message("hi"))
			.status()).isEqualTo(201);
	}

}
