package dev.herald.bot;

import java.util.Date;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.herald.support.IntegrationTest;
import dev.herald.support.TestChannelKeys;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/messages} over real HTTP: tokens signed by test keys that the running
 * Herald trusts through {@code TestChannel}, each breaking one rule. Every rejected
 * request carries an install that would be stored if it were let through.
 */
class BotAuthenticationIntegrationTests extends IntegrationTest {

	@Test
	void acceptsAValidTokenAndStoresTheInstall() {
		String aad = UUID.randomUUID().toString();
		assertThat(activities().post(bearer(TestChannelKeys.endorsed(), good().build()), install(aad)).status())
			.isEqualTo(200);
		assertThat(this.jdbc.sql("SELECT status FROM conversation WHERE aad_object_id = :aad")
			.param("aad", aad)
			.query(String.class)
			.single()).isEqualTo("active");
		// The simulator does not know this person: leave no unreachable chat behind for
		// the broadcast tests' audiences.
		this.jdbc.sql("UPDATE conversation SET status = 'uninstalled' WHERE aad_object_id = :aad")
			.param("aad", aad)
			.update();
	}

	@Test
	void rejectsEveryBrokenTokenWith401AndStoresNothing() {
		long now = System.currentTimeMillis();
		Map<String, String> cases = new java.util.LinkedHashMap<>();
		cases.put("expired", bearer(TestChannelKeys.endorsed(),
				good().expirationTime(new Date(now - 600_000)).notBeforeTime(new Date(now - 3_600_000)).build()));
		cases.put("not yet valid",
				bearer(TestChannelKeys.endorsed(), good().notBeforeTime(new Date(now + 600_000)).build()));
		cases.put("wrong audience", bearer(TestChannelKeys.endorsed(), good().audience("another-bot").build()));
		cases.put("wrong issuer",
				bearer(TestChannelKeys.endorsed(), good().issuer("https://sts.windows.net/evil/").build()));
		cases.put("not endorsed for msteams", bearer(TestChannelKeys.unendorsed(), good().build()));
		cases.put("serviceUrl mismatch",
				bearer(TestChannelKeys.endorsed(), good().claim("serviceurl", "https://evil.example/amer/").build()));
		cases.put("unknown key", bearer(TestChannelKeys.stranger(), good().build()));
		cases.put("alg none", "Bearer " + b64("{\"alg\":\"none\"}") + "." + b64(good().build().toString()) + ".");
		String[] parts = TestChannelKeys.sign(TestChannelKeys.endorsed(), good().build()).split("\\.");
		cases.put("tampered payload",
				"Bearer " + parts[0] + "."
						+ b64(good().audience(this.simulator.botAppId()).claim("tampered", true).build().toString())
						+ "." + parts[2]);
		cases.put("no token", null);
		for (Map.Entry<String, String> c : cases.entrySet()) {
			String before = snapshot();
			Activities.Reply reply = activities().post(c.getValue(), install(UUID.randomUUID().toString()));
			assertThat(reply.status()).as(c.getKey()).isEqualTo(401);
			assertThat(reply.body()).as(c.getKey() + ": no detail").isEmpty();
			assertThat(snapshot()).as(c.getKey() + ": nothing stored").isEqualTo(before);
		}
	}

	@Test
	void rejectsMalformedJsonAndMissingTypeWith400() {
		String bearer = bearer(TestChannelKeys.endorsed(), good().build());
		String before = snapshot();
		assertThat(activities().post(bearer, "{\"type\":".getBytes()).status()).isEqualTo(400);
		Map<String, Object> untyped = activities().installOfStranger(UUID.randomUUID().toString());
		untyped.remove("type");
		assertThat(activities().post(bearer, JsonMapper.shared().writeValueAsBytes(untyped)).status()).isEqualTo(400);
		assertThat(snapshot()).isEqualTo(before);
	}

	@Test
	void rejectsBodiesOver256KbWith413() {
		Map<String, Object> big = activities().installOfStranger(UUID.randomUUID().toString());
		big.put("text", "x".repeat(257 * 1024));
		String before = snapshot();
		assertThat(activities()
			.post(bearer(TestChannelKeys.endorsed(), good().build()), JsonMapper.shared().writeValueAsBytes(big))
			.status()).isEqualTo(413);
		assertThat(snapshot()).isEqualTo(before);
	}

	private Activities activities() {
		return new Activities(this.simulator, baseUrl());
	}

	private byte[] install(String aad) {
		return JsonMapper.shared().writeValueAsBytes(activities().installOfStranger(aad));
	}

	private JWTClaimsSet.Builder good() {
		return TestChannelKeys.claims(this.simulator.botAppId(), this.simulator.serviceUrl());
	}

	/**
	 * Everything an accepted install could write (bot_welcome is left out: an accepted
	 * install of an unknown person in another test releases its claim in the background).
	 */
	private String snapshot() {
		return this.jdbc.sql("""
				SELECT concat_ws('|',
				  (SELECT md5(coalesce(string_agg(c::text, ',' ORDER BY id), '')) FROM conversation c),
				  (SELECT count(*) FROM team_member), (SELECT count(*) FROM opt_out),
				  (SELECT count(*) FROM card_response), (SELECT count(*) FROM read_receipt))
				""").query(String.class).single();
	}

	private static String bearer(RSAKey key, JWTClaimsSet claims) {
		return "Bearer " + TestChannelKeys.sign(key, claims);
	}

	private static String b64(String json) {
		return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes());
	}

}
