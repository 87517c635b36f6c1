package dev.herald.dispatch;

import java.util.Collection;
import java.util.List;

import dev.herald.settings.AppSettings;

import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * The one door for sends addressed to named people instead of an audience (API
 * notifications): fills the ledger of a draft with exactly those people, inside the
 * caller's transaction, which then starts the send with
 * {@code Announcements.startSendToGivenRecipients}. The dispatcher sends these rows like
 * any others.
 */
@Component
public class GivenRecipients {

	private final Ledger ledger;

	private final AppSettings settings;

	GivenRecipients(Ledger ledger, AppSettings settings) {
		this.ledger = ledger;
		this.settings = settings;
	}

	/**
	 * Freezes the people (Entra object ids) who have an active personal chat with the
	 * bot, guests only when the admin allows them; returns the ids frozen, lower-case.
	 * The others cannot be reached.
	 */
	@Transactional(propagation = Propagation.MANDATORY)
	public List<String> freeze(long announcementId, Collection<String> aadObjectIds) {
		return this.ledger.freezePeople(announcementId, aadObjectIds, this.settings.allowGuests());
	}

}
