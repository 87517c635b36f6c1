package dev.herald.bench;

import dev.herald.HeraldApplication;

import org.springframework.boot.SpringApplication;

/**
 * Herald as its own JVM for process-level tests and the dispatch benchmark: the
 * production application, configured only through {@code --key=value} arguments (the
 * database, the simulator's URLs, the dispatcher's tuning). Test scope, so it can be
 * killed with SIGKILL or run several times against one database.
 */
public final class HeraldNode {

	private HeraldNode() {
	}

	public static void main(String[] args) {
		SpringApplication.run(HeraldApplication.class, args);
	}

}
