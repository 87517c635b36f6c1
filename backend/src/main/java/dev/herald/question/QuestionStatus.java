package dev.herald.question;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** A question is new until an owner answers it; an answer is final. */
public enum QuestionStatus {

	NEW, ANSWERED;

	@JsonValue
	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static QuestionStatus of(String db) {
		return valueOf(db.toUpperCase(Locale.ROOT));
	}

	/** The only transition: new → answered. */
	boolean canBecome(QuestionStatus next) {
		return this == NEW && next == ANSWERED;
	}

}
