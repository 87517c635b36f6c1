package dev.herald.graph;

import java.util.function.Supplier;

import org.springframework.stereotype.Component;

/**
 * Runs a Graph call that needs an application permission and turns Graph's 403 for a
 * missing permission into a {@link MissingGraphPermissionException} naming it. The cached
 * token is dropped then: a token lists the permissions granted when it was issued, so a
 * permission an admin grants afterwards takes effect on the next call, not an hour later.
 */
@Component
public class GraphPermissions {

	private final GraphToken token;

	GraphPermissions(GraphToken token) {
		this.token = token;
	}

	/**
	 * The call's result.
	 * @param permission the least-privileged application permission the call needs
	 * @param feature what Herald needs it for, as an admin reads it
	 * @throws MissingGraphPermissionException if Graph answered that it is missing
	 */
	public <T> T call(String permission, String feature, Supplier<T> call) {
		try {
			return call.get();
		}
		catch (RuntimeException ex) {
			if (GraphFailure.of(ex).isPermissionMissing() && !(ex instanceof MissingGraphPermissionException)) {
				this.token.source().invalidate();
				throw new MissingGraphPermissionException(permission, feature, ex);
			}
			throw ex;
		}
	}

}
