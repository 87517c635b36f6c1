package dev.herald.worker;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

class WorkerThreadsTests {

	private final WorkerThreads threads = new WorkerThreads();

	@AfterEach
	void stopLeftovers() {
		this.threads.stop(Duration.ofSeconds(5));
	}

	@Test
	void startsNamedDaemonThreadsThatLoopWhileRunning() throws InterruptedException {
		Set<String> names = ConcurrentHashMap.newKeySet();
		CountDownLatch looping = new CountDownLatch(4);
		AtomicBoolean daemons = new AtomicBoolean(true);
		Runnable loop = () -> {
			Thread me = Thread.currentThread();
			names.add(me.getName());
			daemons.compareAndSet(true, me.isDaemon());
			// The flag is already up when the loop begins.
			boolean counted = false;
			while (this.threads.isRunning()) {
				if (!counted) {
					looping.countDown();
					counted = true;
				}
				sleepQuietly(10);
			}
		};

		this.threads.start("test-feed-", 3, loop);
		this.threads.start("test-housekeeper", loop);

		assertThat(looping.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(this.threads.isRunning()).isTrue();
		assertThat(names).containsExactlyInAnyOrder("test-feed-0", "test-feed-1", "test-feed-2", "test-housekeeper");
		assertThat(daemons).isTrue();
	}

	@Test
	void stopTurnsTheFlagOffInterruptsAndWaitsForEveryThread() throws InterruptedException {
		CountDownLatch blocked = new CountDownLatch(2);
		AtomicInteger interrupted = new AtomicInteger();
		AtomicInteger ended = new AtomicInteger();
		Runnable loop = () -> {
			while (this.threads.isRunning()) {
				try {
					blocked.countDown();
					// Blocked far longer than the test: only the interrupt ends it.
					Thread.sleep(60_000);
				}
				catch (InterruptedException ex) {
					interrupted.incrementAndGet();
					break;
				}
			}
			sleepQuietly(50);
			ended.incrementAndGet();
		};
		this.threads.start("test-blocked-", 2, loop);
		assertThat(blocked.await(5, TimeUnit.SECONDS)).isTrue();

		long began = System.nanoTime();
		assertThat(this.threads.stop(Duration.ofSeconds(5))).isTrue();

		assertThat(System.nanoTime() - began).isLessThan(TimeUnit.SECONDS.toNanos(4));
		assertThat(this.threads.isRunning()).isFalse();
		assertThat(interrupted).hasValue(2);
		// Joined: both threads finished their last lines before stop returned.
		assertThat(ended).hasValue(2);
	}

	@Test
	void aDrainEndsTheCurrentPassWithoutAnInterrupt() throws InterruptedException {
		CountDownLatch inPass = new CountDownLatch(1);
		AtomicBoolean wasInterrupted = new AtomicBoolean();
		AtomicBoolean passFinished = new AtomicBoolean();
		this.threads.start("test-drain", () -> {
			while (this.threads.isRunning()) {
				inPass.countDown();
				sleepQuietly(300);
				wasInterrupted.compareAndSet(false, Thread.currentThread().isInterrupted());
				passFinished.set(true);
			}
		});
		assertThat(inPass.await(5, TimeUnit.SECONDS)).isTrue();

		this.threads.requestStop();
		assertThat(this.threads.isRunning()).isFalse();
		assertThat(this.threads.awaitStop(Duration.ofSeconds(5))).isTrue();

		assertThat(passFinished).isTrue();
		assertThat(wasInterrupted).isFalse();
	}

	@Test
	void theWaitIsBoundedForAThreadThatIgnoresTheStop() throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		this.threads.start("test-stubborn", () -> {
			started.countDown();
			while (release.getCount() > 0) {
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					// ignores the interrupt, like a call that cannot be interrupted
				}
			}
		});
		assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();

		long began = System.nanoTime();
		assertThat(this.threads.stop(Duration.ofMillis(200))).isFalse();
		long waited = System.nanoTime() - began;
		assertThat(waited).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(150))
			.isLessThan(TimeUnit.SECONDS.toNanos(3));
		// Zero means no wait at all (Thread.join(0) would wait forever).
		began = System.nanoTime();
		assertThat(this.threads.awaitStop(Duration.ZERO)).isFalse();
		assertThat(System.nanoTime() - began).isLessThan(TimeUnit.SECONDS.toNanos(1));

		release.countDown();
		assertThat(this.threads.awaitStop(Duration.ofSeconds(5))).isTrue();
	}

	@Test
	void aLoopThatThrowsEndsItsOwnThreadOnlyAndIsLoggedWithTheThreadName() throws InterruptedException {
		Logger logger = (Logger) LoggerFactory.getLogger(WorkerThreads.class);
		ListAppender<ILoggingEvent> logged = new ListAppender<>();
		logged.start();
		logger.addAppender(logged);
		try {
			AtomicInteger healthyPasses = new AtomicInteger();
			this.threads.start("test-healthy", () -> {
				while (this.threads.isRunning()) {
					healthyPasses.incrementAndGet();
					sleepQuietly(10);
				}
			});
			AtomicInteger brokenPasses = new AtomicInteger();
			this.threads.start("test-broken", () -> {
				while (this.threads.isRunning()) {
					brokenPasses.incrementAndGet();
					throw new IllegalStateException("boom");
				}
			});

			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
			while (logged.list.isEmpty() && System.nanoTime() < deadline) {
				Thread.sleep(10);
			}
			int before = healthyPasses.get();
			Thread.sleep(100);

			// Not restarted: the loop ran once; the others and the flag go on.
			assertThat(brokenPasses).hasValue(1);
			assertThat(healthyPasses.get()).isGreaterThan(before);
			assertThat(this.threads.isRunning()).isTrue();
			List<ILoggingEvent> errors = logged.list.stream().filter((e) -> e.getLevel() == Level.ERROR).toList();
			assertThat(errors).hasSize(1);
			assertThat(errors.get(0).getFormattedMessage()).contains("test-broken");
			assertThat(errors.get(0).getThrowableProxy().getMessage()).isEqualTo("boom");
		}
		finally {
			logger.detachAppender(logged);
		}
	}

	@Test
	void startsAgainAfterAStop() throws InterruptedException {
		AtomicInteger runs = new AtomicInteger();
		Runnable loop = () -> {
			runs.incrementAndGet();
			while (this.threads.isRunning()) {
				sleepQuietly(10);
			}
		};
		this.threads.start("test-again", loop);
		assertThat(this.threads.stop(Duration.ofSeconds(5))).isTrue();
		this.threads.start("test-again", loop);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
		while (runs.get() < 2 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(runs).hasValue(2);
		assertThat(this.threads.isRunning()).isTrue();
		assertThat(this.threads.stop(Duration.ofSeconds(5))).isTrue();
	}

	private static void sleepQuietly(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
