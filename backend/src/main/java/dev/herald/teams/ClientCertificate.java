package dev.herald.teams;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * A certificate credential for the client-credentials grant: instead of a secret, a short
 * JWT (RFC 7523 client assertion) signed with the certificate's private key, the
 * certificate named by its thumbprints, as Entra ID expects. The certificate comes from a
 * PKCS#12 file (what Key Vault and most PKI tools export).
 */
public final class ClientCertificate {

	static final String ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

	private static final Duration LIFETIME = Duration.ofMinutes(10);

	private final PrivateKey key;

	private final X509Certificate certificate;

	private ClientCertificate(PrivateKey key, X509Certificate certificate) {
		this.key = key;
		this.certificate = certificate;
	}

	/** Loads the first key entry of a PKCS#12 file. */
	public static ClientCertificate load(Path pkcs12, String password) {
		char[] pass = (password != null) ? password.toCharArray() : new char[0];
		try (InputStream in = Files.newInputStream(pkcs12)) {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(in, pass);
			for (String alias : Collections.list(store.aliases())) {
				if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate cert) {
					return new ClientCertificate((PrivateKey) store.getKey(alias, pass), cert);
				}
			}
			throw new IllegalArgumentException("No private key with a certificate in " + pkcs12);
		}
		catch (IOException | GeneralSecurityException ex) {
			// Never echo the password; the file name and the reason are enough.
			throw new IllegalArgumentException("Cannot read the certificate " + pkcs12 + ": " + ex.getMessage(), ex);
		}
	}

	/** A fresh client assertion for this client and token endpoint. */
	@SuppressWarnings("deprecation") // x5t is deprecated in favour of x5t#S256, which is
										// sent too
	String assertion(String clientId, URI tokenUrl, Instant now) {
		try {
			byte[] der = this.certificate.getEncoded();
			JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
				.x509CertSHA256Thumbprint(Base64URL.encode(MessageDigest.getInstance("SHA-256").digest(der)))
				// x5t (SHA-1) as well: older Entra documentation names only that one
				.x509CertThumbprint(Base64URL.encode(MessageDigest.getInstance("SHA-1").digest(der)))
				.build();
			JWTClaimsSet claims = new JWTClaimsSet.Builder().audience(tokenUrl.toString())
				.issuer(clientId)
				.subject(clientId)
				.jwtID(UUID.randomUUID().toString())
				.issueTime(Date.from(now))
				.notBeforeTime(Date.from(now))
				.expirationTime(Date.from(now.plus(LIFETIME)))
				.build();
			SignedJWT jwt = new SignedJWT(header, claims);
			jwt.sign(new RSASSASigner(this.key));
			return jwt.serialize();
		}
		catch (GeneralSecurityException | JOSEException ex) {
			throw new IllegalStateException("Cannot sign the client assertion: " + ex.getMessage(), ex);
		}
	}

	X509Certificate certificate() {
		return this.certificate;
	}

}
