package dev.herald.dispatch;

import java.time.Duration;

/**
 * The engine's run, as its rooms see it: open while calls may start; draining until the
 * writer and the marker have finished after the senders stopped.
 */
final class Shift {

	private volatile boolean open;

	private volatile boolean draining;

	void begin() {
		this.open = true;
		this.draining = true;
	}

	/** No new call starts from now on. */
	void close() {
		this.open = false;
	}

	/** The senders have stopped: the services finish what they hold. */
	void endDraining() {
		this.draining = false;
	}

	boolean isOpen() {
		return this.open;
	}

	boolean isDraining() {
		return this.draining;
	}

	/** Sleeps; false when interrupted (the engine is stopping). */
	static boolean sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
