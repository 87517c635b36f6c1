package dev.herald.graph;

/**
 * Graph refused a call because Herald's app registration lacks the application permission
 * it needs: a configuration error an admin fixes by granting it (with admin consent), not
 * something a retry fixes.
 */
public class MissingGraphPermissionException extends RuntimeException {

	private final String permission;

	private final String feature;

	MissingGraphPermissionException(String permission, String feature, Throwable cause) {
		super("Herald's app registration lacks the Graph application permission " + permission + " (needed for "
				+ feature + "); an admin must grant it with admin consent", cause);
		this.permission = permission;
		this.feature = feature;
	}

	/** The least-privileged permission the call needs, e.g. {@code User.Read.All}. */
	public String permission() {
		return this.permission;
	}

	/** The Herald feature that needed it. */
	public String feature() {
		return this.feature;
	}

}
