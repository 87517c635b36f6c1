package dev.herald.teams;

import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Refuses local mode outside a laptop (#23), before any bean (the database pool included)
 * is made: with the database on another machine, or an https Bot Framework metadata URL
 * or sign-in issuer (a real tenant), start-up stops with a message saying why. Local mode
 * lets Herald talk plain http to the simulator; it must never be switched on by mistake
 * in a shared installation.
 */
@Component
class LocalModeGuard implements BeanFactoryPostProcessor, EnvironmentAware {

	private Environment environment;

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	@Override
	public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
		if (this.environment.getProperty("herald.local-mode", Boolean.class, false)) {
			OutboundUrls.refuseLocalModeOutsideThisMachine(this.environment.getProperty("spring.datasource.url"),
					this.environment.getProperty("herald.teams.open-id-metadata-url",
							"https://login.botframework.com/v1/.well-known/openidconfiguration"),
					this.environment.getProperty("spring.security.oauth2.client.provider.entra.issuer-uri"));
		}
	}

}
