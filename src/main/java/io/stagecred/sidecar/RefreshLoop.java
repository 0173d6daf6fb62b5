package io.stagecred.sidecar;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs refresh attempts one after another on a single daemon thread, each at the time the previous
 * one returned, until closed.
 *
 * <p>An unexpected {@link RuntimeException} is a bug, not an STS answer: it is logged by class (its
 * message could quote anything) and the attempt is retried after {@code afterBug}. An {@link Error}
 * (out of memory, a class that failed to initialise) ends the loop and calls {@code onFatal}: a
 * sidecar that no longer renews must not linger looking ready until its credentials run out, so it
 * exits and the kubelet restarts it.
 */
final class RefreshLoop implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(RefreshLoop.class);

  private final Supplier<Instant> attempt;
  private final Duration afterBug;
  private final Clock clock;
  private final Runnable onFatal;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "stagecred-refresh");
            // Never holds the JVM open: shutdown must not wait for an STS call in flight.
            t.setDaemon(true);
            return t;
          });

  /**
   * @param attempt makes one attempt and returns when to make the next
   */
  RefreshLoop(Supplier<Instant> attempt, Duration afterBug, Clock clock, Runnable onFatal) {
    this.attempt = Objects.requireNonNull(attempt, "attempt");
    this.afterBug = Objects.requireNonNull(afterBug, "afterBug");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.onFatal = Objects.requireNonNull(onFatal, "onFatal");
  }

  /** Makes the first attempt now. */
  void start() {
    schedule(Duration.ZERO);
  }

  private void run() {
    Instant next;
    try {
      next = attempt.get();
    } catch (RuntimeException e) {
      LOG.errorf("unexpected %s during refresh; retrying", e.getClass().getName());
      next = clock.instant().plus(afterBug);
    } catch (Error e) {
      LOG.errorf(
          "fatal %s during refresh: the sidecar stops so that its container is restarted",
          e.getClass().getName());
      scheduler.shutdown();
      onFatal.run();
      return;
    }
    schedule(Duration.between(clock.instant(), next));
  }

  private void schedule(Duration delay) {
    try {
      scheduler.schedule(this::run, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException shuttingDown) {
      LOG.debug("refresh not rescheduled: shutting down");
    }
  }

  /** Stops scheduling and interrupts an attempt in flight. */
  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
