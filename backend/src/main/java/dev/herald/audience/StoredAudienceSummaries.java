package dev.herald.audience;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.microsoft.kiota.ApiException;

import dev.herald.announcement.AnnouncementContent;
import dev.herald.announcement.AudienceSummaries;
import dev.herald.graph.GraphFailure;
import dev.herald.settings.AppSettings;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** Tells the announcement pages who a draft goes to, from its stored audience. */
@Component
class StoredAudienceSummaries implements AudienceSummaries {

	private final AnnouncementAudiences audiences;

	private final AudienceResolver resolver;

	private final JdbcClient jdbc;

	private final AppSettings settings;

	StoredAudienceSummaries(AnnouncementAudiences audiences, AudienceResolver resolver, JdbcClient jdbc,
			AppSettings settings) {
		this.jdbc = jdbc;
		this.settings = settings;
		this.audiences = audiences;
		this.resolver = resolver;
	}

	@Override
	public List<Part> parts(long announcementId) {
		return parts(this.audiences.get(announcementId));
	}

	static List<Part> parts(AudienceDefinition audience) {
		List<Part> parts = new ArrayList<>();
		int addresses = 0;
		for (AudienceEntry entry : audience.entries()) {
			if (entry.kind() == AudienceKind.ADDRESS) {
				addresses++;
			}
			else {
				parts.add(new Part(entry.kind().dbValue(), (entry.kind() == AudienceKind.EVERYONE) ? null
						: (entry.label() != null) ? entry.label() : entry.ref(), 1));
			}
		}
		if (addresses > 0) {
			parts.add(new Part(AudienceKind.ADDRESS.dbValue(), null, addresses));
		}
		return parts;
	}

	@Override
	public Map<String, Integer> variants(long announcementId, AnnouncementContent content) {
		try {
			return this.resolver.variantSplit(this.audiences.get(announcementId), content);
		}
		catch (AudienceResolver.AudienceResolutionException ex) {
			throw new UnavailableException(ex.getMessage(), ex);
		}
	}

	@Override
	public Optional<Count> count(long announcementId) {
		AudienceDefinition audience = this.audiences.get(announcementId);
		if (audience.isEmpty()) {
			return Optional.empty();
		}
		try {
			AudienceResolver.Preview preview = this.resolver.preview(audience, announcementId);
			return Optional.of(new Count(preview.recipients(), preview.people(), preview.channels(),
					preview.needInstall(), preview.needTeamInstall(), preview.optedOut(), preview.guestsExcluded(),
					preview.topicOptedOut()));
		}
		catch (AudienceResolver.AudienceResolutionException ex) {
			throw new UnavailableException(ex.getMessage(), ex);
		}
		catch (ApiException ex) {
			throw new UnavailableException(GraphFailure.of(ex).describe(), ex);
		}
	}

	@Override
	public long everyoneWithTheApp() {
		return this.jdbc
			.sql("SELECT count(*) FROM conversation c WHERE c.kind = 'personal' AND c.status = 'active'"
					+ (this.settings.allowGuests() ? "" : AppSettings.NOT_A_GUEST))
			.query(Long.class)
			.single();
	}

}
