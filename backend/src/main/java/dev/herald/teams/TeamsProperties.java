package dev.herald.teams;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The bot registration and the Microsoft endpoints it talks to. In production only the
 * credentials change; tests and local mode point the URLs at the simulator.
 *
 * @param botAppId the Entra application (client) id of the bot
 * @param botAppPassword its client secret
 * @param tenantId the tenant Herald serves
 * @param tokenUrl Entra token endpoint for the Connector scope; empty means the
 * configured tenant's endpoint (a single-tenant bot or a user-assigned managed identity,
 * the only kinds Azure creates since July 2025); the multi-tenant
 * {@code botframework.com} endpoint only for bots registered as multi-tenant before
 * @param tokenScope scope of the Connector token
 * @param allowedServiceHosts hosts a Connector bearer token may be sent to (SSRF guard)
 * @param openIdMetadataUrl Bot Framework channel OpenID metadata, for inbound tokens
 * @param channelIssuer issuer of inbound channel tokens
 * @param connectTimeout connect timeout of Connector calls
 * @param readTimeout read timeout of Connector calls
 * @param credential how the bot proves its identity to Entra ID
 * @param certificatePath PKCS#12 file of the certificate credential
 * @param certificatePassword its password
 * @param managedIdentityClientId client id of the user-assigned managed identity (or of
 * the app trusted by workload identity federation); empty means the bot app id, which is
 * the identity's client id for a bot of type UserAssignedMSI
 * @param federatedTokenFile for workload identity: the file the platform keeps the
 * federated (service-account) token in; empty means {@code AZURE_FEDERATED_TOKEN_FILE},
 * which the AKS workload identity webhook sets
 */
@Validated
@ConfigurationProperties("herald.teams")
public record TeamsProperties(@NotBlank String botAppId, String botAppPassword, @NotBlank String tenantId, URI tokenUrl,
		@NotBlank @DefaultValue("https://api.botframework.com/.default") String tokenScope, @NotEmpty @DefaultValue( {
				"smba.trafficmanager.net", "smba.infra.gcc.teams.microsoft.com", "smba.infra.gov.teams.microsoft.us",
				"smba.infra.dod.teams.microsoft.us" }) List<String> allowedServiceHosts,
		@NotNull @DefaultValue("https://login.botframework.com/v1/.well-known/openidconfiguration") URI openIdMetadataUrl,
		@NotBlank @DefaultValue("https://api.botframework.com") String channelIssuer,
		@NotNull @DefaultValue("5s") Duration connectTimeout, @NotNull @DefaultValue("30s") Duration readTimeout,
		@NotNull @DefaultValue("secret") Credential credential, java.nio.file.Path certificatePath,
		String certificatePassword, String managedIdentityClientId, java.nio.file.Path federatedTokenFile){

	/** The constructor configuration binds (the record has a second one). */
	@org.springframework.boot.context.properties.bind.ConstructorBinding
	public TeamsProperties {
	}

	/** Without a federated token file (read from the environment when needed). */
	public TeamsProperties(String botAppId, String botAppPassword, String tenantId, URI tokenUrl, String tokenScope,
			List<String> allowedServiceHosts, URI openIdMetadataUrl, String channelIssuer, Duration connectTimeout,
			Duration readTimeout, Credential credential, java.nio.file.Path certificatePath, String certificatePassword,
			String managedIdentityClientId) {
		this(botAppId, botAppPassword, tenantId, tokenUrl, tokenScope, allowedServiceHosts, openIdMetadataUrl,
				channelIssuer, connectTimeout, readTimeout, credential, certificatePath, certificatePassword,
				managedIdentityClientId, null);
	}

	/** The kinds of bot credential Entra ID accepts. */
	public enum Credential {

		/** A client secret ({@code bot-app-password}). */
		SECRET,
		/** A certificate: a client assertion signed with its key. */
		CERTIFICATE,
		/** A user-assigned managed identity (Azure hosts), through azure-identity. */
		MANAGED_IDENTITY,
		/**
		 * Workload identity federation (e.g. Kubernetes): the platform's federated token
		 * (file {@code federated-token-file}, else {@code AZURE_FEDERATED_TOKEN_FILE}) is
		 * the client assertion at the token endpoint.
		 */
		WORKLOAD_IDENTITY

	}

	@jakarta.validation.constraints.AssertTrue(
			message = "herald.teams.certificate-path is required when herald.teams.credential is certificate")
	boolean isCertificateConfigured() {
		return this.credential != Credential.CERTIFICATE || this.certificatePath != null;
	}

	@jakarta.validation.constraints.AssertTrue(
			message = "herald.teams.federated-token-file (or AZURE_FEDERATED_TOKEN_FILE) "
					+ "is required when herald.teams.credential is workload-identity")
	boolean isFederatedTokenFileConfigured() {
		return this.credential != Credential.WORKLOAD_IDENTITY || effectiveFederatedTokenFile() != null;
	}

	/** The federated token file: the configured one, else the platform's. */
	public java.nio.file.Path effectiveFederatedTokenFile() {
		if (this.federatedTokenFile != null) {
			return this.federatedTokenFile;
		}
		String env = System.getenv("AZURE_FEDERATED_TOKEN_FILE");
		return (env != null && !env.isBlank()) ? java.nio.file.Path.of(env) : null;
	}

	/** The client id azure-identity asks a token for. */
	public String identityClientId() {
		return (this.managedIdentityClientId != null && !this.managedIdentityClientId.isBlank())
				? this.managedIdentityClientId : this.botAppId;
	}

	/** The token endpoint: the configured one, else the tenant's own. */
	public URI effectiveTokenUrl() {
		return (this.tokenUrl != null) ? this.tokenUrl
				: URI.create("https://login.microsoftonline.com/" + this.tenantId + "/oauth2/v2.0/token");
	}

	/**
	 * Whether a bearer token may be sent to this serviceUrl: an allowed host, over https
	 * (plain http only to this machine, for local mode and tests).
	 */
	public boolean isTrustedServiceUrl(String serviceUrl) {
		return isTrustedServiceUrl(serviceUrl, false);
	}

	/**
	 * As {@link #isTrustedServiceUrl(String)}; {@code plainHttp} also allows http to any
	 * allowed host (local mode: the simulator in a container).
	 */
	public boolean isTrustedServiceUrl(String serviceUrl, boolean plainHttp) {
		try {
			URI uri = URI.create(serviceUrl);
			String host = uri.getHost();
			boolean secure = "https".equalsIgnoreCase(uri.getScheme())
					|| ("http".equalsIgnoreCase(uri.getScheme()) && (plainHttp || isLoopback(host)));
			return secure && host != null && this.allowedServiceHosts.stream().anyMatch(host::equalsIgnoreCase);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	static boolean isLoopback(String host) {
		return host != null && (host.equalsIgnoreCase("localhost") || host.equals("127.0.0.1") || host.equals("[::1]"));
	}

}
