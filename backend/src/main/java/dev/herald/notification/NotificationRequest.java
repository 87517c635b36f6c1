package dev.herald.notification;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.audience.AudienceDefinition;

/**
 * What an API client asks to send: exactly one of {@code card} and {@code text}, to the
 * named recipients or to an audience.
 *
 * @param recipients who should receive it (each by exactly one of aadObjectId, upn or
 * email)
 * @param audience an audience (groups, teams, channels...) instead of named recipients;
 * each entry must be one the client is allowed ({@code kind:ref}, e.g.
 * {@code group:<id>})
 * @param topic what it is about, for the client's allowed topics and for opt-outs
 * @param card a card: title, summary, optional image and button
 * @param text a plain message, shown under the client's name
 * @param templateId a stored template to send instead of a card or text
 * @param data values for the template's {@code {{name}}} placeholders
 * @param urgent {@code true} asks for the urgent lane (#25): the notification is critical
 * and also announced through the recipients' Teams activity feed (the same as a card's
 * {@code importance: URGENT}); needs the client's {@code maySendUrgent}
 * @param emailFallback whether people Teams cannot reach also get it by e-mail after the
 * send (#26); absent: the card's choice, else the admin's default
 */
record NotificationRequest(List<@NotNull @Valid Recipient> recipients, @Valid AudienceDefinition audience,
		@Size(max = 100) @Pattern(regexp = "^[\\w.:/-]+$") String topic, @Valid AnnouncementContent card,
		@Size(max = 4000) String text, Long templateId,
		@Size(max = 50) Map<@Pattern(regexp = "^[A-Za-z0-9_.-]{1,50}$") String, @Size(max = 2000) String> data,
		Boolean urgent, Boolean emailFallback) {

	NotificationRequest {
		recipients = (recipients != null) ? Collections.unmodifiableList(recipients) : List.of();
		data = (data != null) ? Map.copyOf(data) : Map.of();
	}

	/** Named people and an audience are two kinds of send; one request is one of them. */
	@JsonIgnore
	@AssertTrue(message = "give recipients or an audience (one of them)")
	boolean isRecipientsOrAudience() {
		return this.recipients.isEmpty() == (this.audience != null && !this.audience.isEmpty());
	}

	@JsonIgnore
	@AssertTrue(message = "give exactly one of card, text and templateId")
	boolean isCardOrText() {
		int given = ((this.card != null) ? 1 : 0) + ((this.text != null && !this.text.isBlank()) ? 1 : 0)
				+ ((this.templateId != null) ? 1 : 0);
		return given == 1;
	}

	/**
	 * One recipient, named by exactly one identifier.
	 *
	 * @param aadObjectId the person's Entra object id
	 * @param upn the person's user principal name
	 * @param email the person's mail address
	 */
	record Recipient(@Size(max = 100) String aadObjectId, @Size(max = 320) String upn, @Size(max = 320) String email) {

		@JsonIgnore
		@AssertTrue(message = "give exactly one of aadObjectId, upn and email")
		boolean isExactlyOne() {
			return (given(this.aadObjectId) ? 1 : 0) + (given(this.upn) ? 1 : 0) + (given(this.email) ? 1 : 0) == 1;
		}

		@JsonIgnore
		String kind() {
			return given(this.aadObjectId) ? "aadObjectId" : given(this.upn) ? "upn" : "email";
		}

		@JsonIgnore
		String value() {
			return (given(this.aadObjectId) ? this.aadObjectId : given(this.upn) ? this.upn : this.email).strip();
		}

		private static boolean given(String value) {
			return value != null && !value.isBlank();
		}

	}

}
