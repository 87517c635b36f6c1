package dev.herald.audience;

/**
 * Events of audience resolution, published inside the transaction that froze the ledger.
 */
public final class AudienceEvents {

	private AudienceEvents() {
	}

	/**
	 * A freeze left people in {@code installing}: they need Herald installed before they
	 * can be messaged.
	 *
	 * @param announcementId the announcement
	 * @param people how many
	 */
	public record InstallsNeeded(long announcementId, int people) {
	}

	/**
	 * The stored audience of an announcement changed: an approval given for the earlier
	 * audience no longer holds (#15).
	 */
	public record AudienceChanged(long announcementId) {
	}

}
