package dev.herald.question;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a question was asked. */
public enum QuestionSource {

	/** Typed in the person's chat with Herald, in reply to the card. */
	CHAT,
	/** The card's "Ask a question". */
	CARD,
	/** The personal tab. */
	TAB;

	@JsonValue
	public String dbValue() {
		return name().toLowerCase(Locale.ROOT);
	}

	static QuestionSource of(String db) {
		return valueOf(db.toUpperCase(Locale.ROOT));
	}

}
