package dev.herald.graph;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.microsoft.graph.models.TeamsApp;
import com.microsoft.graph.models.TeamsAppCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;

import org.springframework.stereotype.Component;

/**
 * Herald's id in the organization's Teams app catalog, needed to install it for people.
 * Looked up once by manifest (external) id and cached; a missing app is remembered only
 * briefly so that an admin's upload is picked up without a restart.
 */
@Component
public class TeamsAppCatalog {

	private static final Duration RECHECK_MISSING = Duration.ofMinutes(1);

	private final GraphServiceClient graph;

	private final GraphProperties properties;

	private volatile String catalogId;

	private volatile Instant missingUntil = Instant.MIN;

	private final GraphPermissions permissions;

	TeamsAppCatalog(GraphServiceClient graph, GraphProperties properties, GraphPermissions permissions) {
		this.graph = graph;
		this.permissions = permissions;
		this.properties = properties;
		this.catalogId = GraphProperties.blank(properties.teamsAppCatalogId()) ? null : properties.teamsAppCatalogId();
	}

	/**
	 * The catalog id, or empty when the app is not in the catalog (a condition no retry
	 * fixes). Graph failures propagate: they are transient, except a
	 * {@link MissingGraphPermissionException}.
	 */
	public Optional<String> catalogId() {
		String known = this.catalogId;
		if (known != null) {
			return Optional.of(known);
		}
		if (Instant.now().isBefore(this.missingUntil)) {
			return Optional.empty();
		}
		String externalId = this.properties.teamsAppExternalId();
		if (GraphProperties.blank(externalId)) {
			this.missingUntil = Instant.now().plus(RECHECK_MISSING);
			return Optional.empty();
		}
		synchronized (this) {
			if (this.catalogId != null) {
				return Optional.of(this.catalogId);
			}
			TeamsAppCollectionResponse apps = this.permissions.call("AppCatalog.Read.All",
					"proactive installs to look Herald up in the Teams app catalog, unless "
							+ "herald.graph.teams-app-catalog-id is set",
					() -> this.graph.appCatalogs().teamsApps().get((rc) -> {
						rc.queryParameters.filter = "externalId eq '" + externalId.replace("'", "''") + "'";
					}));
			Optional<String> found = Optional.ofNullable(apps)
				.map(TeamsAppCollectionResponse::getValue)
				.flatMap((list) -> list.stream().map(TeamsApp::getId).filter((id) -> id != null).findFirst());
			found.ifPresentOrElse((id) -> this.catalogId = id,
					() -> this.missingUntil = Instant.now().plus(RECHECK_MISSING));
			return found;
		}
	}

	/** Why installs cannot work when {@link #catalogId()} is empty. */
	public String missingReason() {
		return "Herald is not in the organization's Teams app catalog (manifest id "
				+ this.properties.teamsAppExternalId() + "); an admin must upload it";
	}

	/** Forget the cached id, e.g. after Graph said the app does not exist. */
	public void forget() {
		this.catalogId = GraphProperties.blank(this.properties.teamsAppCatalogId()) ? null
				: this.properties.teamsAppCatalogId();
	}

	/** The absolute catalog URL used in {@code teamsApp@odata.bind}. */
	public String bindUrl(String catalogId) {
		return this.properties.baseUrl().toString().replaceAll("/+$", "") + "/appCatalogs/teamsApps/" + catalogId;
	}

}
