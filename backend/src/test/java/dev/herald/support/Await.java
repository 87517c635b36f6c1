package dev.herald.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, for things that happen in the background. */
public final class Await {

	private Await() {
	}

	public static void until(Duration timeout, String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new AssertionError("Timed out after " + timeout + " waiting for: " + what);
			}
			try {
				Thread.sleep(50);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting for: " + what);
			}
		}
	}

}
