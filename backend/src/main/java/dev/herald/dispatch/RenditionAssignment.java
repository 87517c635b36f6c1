package dev.herald.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;

import dev.herald.announcement.Announcement;
import dev.herald.announcement.AnnouncementCard;
import dev.herald.announcement.Announcements;
import dev.herald.announcement.VariantSelector;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Chooses, once per send and right after the freeze, the rendition (language variant and
 * card language) of every frozen person, and stores it on their ledger row, so the
 * dispatcher's claim just returns it. A person's language is their Teams client locale
 * (from their chat), else the directory's {@code preferredLanguage}. The choice itself is
 * {@link VariantSelector}'s, made once per distinct language rather than per row; only
 * rows whose rendition is not the default are written, so a single-language tenant pays
 * one read.
 */
@Component
class RenditionAssignment {

	private final JdbcClient jdbc;

	private final JdbcTemplate template;

	private final Announcements announcements;

	private final AnnouncementCard cards;

	RenditionAssignment(JdbcClient jdbc, JdbcTemplate template, Announcements announcements, AnnouncementCard cards) {
		this.jdbc = jdbc;
		this.template = template;
		this.announcements = announcements;
		this.cards = cards;
	}

	/**
	 * Assigns renditions to the frozen people of an announcement; returns rows changed.
	 */
	int assign(long announcementId) {
		Announcement announcement = this.announcements.require(announcementId);
		// Every language the tenant's people have, a superset of this audience's: read
		// from the people's own tables, not from the ledger just written (whose planner
		// statistics lag and whose join cost 6.7 s on a 1M freeze). Most sends need no
		// update at all.
		List<String> languages = this.jdbc.sql("""
				SELECT locale FROM conversation WHERE kind = 'personal' AND locale IS NOT NULL
				UNION
				SELECT preferred_language FROM directory_user WHERE preferred_language IS NOT NULL
				""").query(String.class).list();
		List<String> langs = new ArrayList<>();
		List<String> variants = new ArrayList<>();
		List<String> cardLanguages = new ArrayList<>();
		for (String language : languages) {
			if (language == null) {
				continue;
			}
			VariantSelector.Rendition rendition = this.cards.renditionFor(announcement.content(), language);
			if (!rendition.equals(VariantSelector.Rendition.DEFAULT)) {
				langs.add(language);
				variants.add(rendition.variant());
				cardLanguages.add(rendition.cardLanguage());
			}
		}
		if (langs.isEmpty()) {
			return 0;
		}
		return this.template.execute((Connection con) -> {
			try (PreparedStatement ps = con.prepareStatement("""
					WITH lang AS (
					  SELECT d.recipient, COALESCE(c.locale, du.preferred_language) AS lang
					  FROM delivery d
					  LEFT JOIN conversation c ON c.id = d.conversation_ref
					  LEFT JOIN directory_user du ON du.aad_object_id = lower(d.recipient)
					  WHERE d.announcement_id = ? AND d.recipient_kind = 'person'
					)
					UPDATE delivery d SET variant = m.variant, card_language = m.card_language
					FROM lang l JOIN unnest(?::text[], ?::text[], ?::text[]) AS m(lang, variant, card_language)
					     ON m.lang = l.lang
					WHERE d.announcement_id = ? AND d.recipient = l.recipient
					""")) {
				ps.setLong(1, announcementId);
				ps.setArray(2, con.createArrayOf("text", langs.toArray()));
				ps.setArray(3, con.createArrayOf("text", variants.toArray()));
				ps.setArray(4, con.createArrayOf("text", cardLanguages.toArray()));
				ps.setLong(5, announcementId);
				return ps.executeUpdate();
			}
		});
	}

}
