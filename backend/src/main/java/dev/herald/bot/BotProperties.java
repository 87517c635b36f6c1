package dev.herald.bot;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The bot: who it speaks for, how inbound channel tokens are checked, and the Teams app
 * package it describes itself with.
 *
 * @param orgName the organisation named in the welcome message; blank uses the bundle's
 * neutral wording ("your organisation")
 * @param setUpBy who set Herald up (e.g. "the Internal Communications team"); blank uses
 * the bundle's wording
 * @param maxBodySize largest activity accepted on {@code /api/messages}; Teams activities
 * are far smaller, so anything bigger is refused with 413 while reading
 * @param clockSkew tolerance on token {@code exp} and {@code nbf}
 * @param keysRefreshInterval how long fetched signing keys are trusted before a refetch;
 * the Bot Framework asks for at least daily
 * @param keysMinRefreshInterval the least time between two fetches triggered by an
 * unknown key id, so forged tokens cannot make Herald hammer the JWKS endpoint
 * @param keysMaxAge how long keys that cannot be refreshed stay trusted; older keys are
 * not, every token is refused and health reports DOWN until a refresh succeeds
 * @param welcome whether new users and teams are greeted
 * @param welcomeRatePerSecond welcomes posted per second at most, by all instances
 * together, leaving the tenant budget to broadcasts
 * @param rosterPageSize page size of roster fetches (Teams caps it at 500)
 * @param app the Teams app package
 * @param welcomeRateDuringBroadcast welcomes per second while an announcement is being
 * sent, by all instances together: the call budget's priority gate keeps the broadcast
 * ahead of them (welcomes come last, with a 5 % share); 8 lets the instances without the
 * lease fill the side share the holder leaves open at 50/s (5/s) while the holder, which
 * takes welcomes from the same queue, sends up to its own 5 % (2.2/s) beside them: at 5
 * in all, the side share was left half unused while welcomes waited; newest first, so
 * someone who has just installed is greeted within seconds
 */
@Validated
@ConfigurationProperties("herald.bot")
public record BotProperties(@DefaultValue("") String orgName, @DefaultValue("") String setUpBy,
		@NotNull @DefaultValue("256KB") DataSize maxBodySize, @NotNull @DefaultValue("5m") Duration clockSkew,
		@NotNull @DefaultValue("12h") Duration keysRefreshInterval,
		@NotNull @DefaultValue("5m") Duration keysMinRefreshInterval, @NotNull @DefaultValue("24h") Duration keysMaxAge,
		@DefaultValue("true") boolean welcome, @Positive @DefaultValue("10") int welcomeRatePerSecond,
		@Positive @DefaultValue("500") int rosterPageSize, @Valid @NotNull @DefaultValue App app,
		@Positive @DefaultValue("8") int welcomeRateDuringBroadcast) {

	@AssertTrue(message = "herald.bot.keys-refresh-interval must be between 1 minute and 24 hours")
	boolean isKeysRefreshIntervalValid() {
		return this.keysRefreshInterval.compareTo(Duration.ofMinutes(1)) >= 0
				&& this.keysRefreshInterval.compareTo(Duration.ofHours(24)) <= 0;
	}

	/**
	 * The Teams app manifest.
	 *
	 * @param id the manifest id (the catalog's external id); blank uses the bot app id,
	 * the usual choice. Must equal {@code herald.graph.teams-app-external-id}.
	 * @param version the app version; raise it for every package uploaded to Teams
	 * @param shortName the name shown in Teams (at most 30 characters)
	 * @param developerName the publisher
	 * @param websiteUrl the publisher's site
	 * @param privacyUrl the privacy statement
	 * @param termsUrl the terms of use
	 * @param accentColor background of the color icon, as {@code #RRGGBB}
	 */
	public record App(@DefaultValue("") String id,
			@NotBlank @Pattern(regexp = "\\d+\\.\\d+\\.\\d+") @DefaultValue("1.0.0") String version,
			@NotBlank @Pattern(regexp = ".{1,30}") @DefaultValue("Herald") String shortName,
			@NotBlank @DefaultValue("Herald") String developerName,
			@NotNull @DefaultValue("https://github.com/herald-dev/herald") URI websiteUrl,
			@NotNull @DefaultValue("https://github.com/herald-dev/herald/blob/main/PRIVACY.md") URI privacyUrl,
			@NotNull @DefaultValue("https://github.com/herald-dev/herald/blob/main/TERMS.md") URI termsUrl,
			@NotBlank @Pattern(regexp = "#[0-9A-Fa-f]{6}") @DefaultValue("#4F46E5") String accentColor) {
	}

}
