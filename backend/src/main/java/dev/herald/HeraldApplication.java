package dev.herald;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Herald: broadcast announcements to Microsoft Teams. Each direct sub-package is an
 * application module, verified by {@code ModularityTests}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class HeraldApplication {

	public static void main(String[] args) {
		SpringApplication.run(HeraldApplication.class, args);
	}

}
