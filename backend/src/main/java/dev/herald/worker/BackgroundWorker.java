package dev.herald.worker;

import java.time.Duration;

import org.springframework.context.SmartLifecycle;

/**
 * A Spring-managed worker whose whole lifecycle is its {@link WorkerThreads}: started
 * when the worker is enabled in this deployment, stopped with the flag, an interrupt and
 * at most five seconds of waiting. Work a worker leaves claimed keeps its lease and is
 * taken again when the lease expires, so the bounded stop loses nothing.
 */
public abstract class BackgroundWorker implements SmartLifecycle {

	/** The worker's threads; loops run while {@code threads.isRunning()}. */
	protected final WorkerThreads threads = new WorkerThreads();

	/** Whether this worker runs in this deployment (its properties' switch). */
	protected abstract boolean enabled();

	/** Starts the worker's loops on {@link #threads}. */
	protected abstract void startThreads();

	@Override
	public void start() {
		if (enabled() && !this.threads.isRunning()) {
			startThreads();
		}
	}

	@Override
	public void stop() {
		this.threads.stop(Duration.ofSeconds(5));
	}

	@Override
	public boolean isRunning() {
		return this.threads.isRunning();
	}

}
