package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The loop's schedule and its answer to bugs and fatal errors, on a real scheduler thread. */
class RefreshLoopTest {

  private static final Clock CLOCK = Clock.systemUTC();
  private static final Duration AFTER_BUG = Duration.ofMillis(20);

  @Test
  void eachAttemptRunsWhenThePreviousOneSaid() throws InterruptedException {
    CountDownLatch three = new CountDownLatch(3);
    AtomicInteger calls = new AtomicInteger();
    try (RefreshLoop loop =
        new RefreshLoop(
            () -> {
              calls.incrementAndGet();
              three.countDown();
              return CLOCK.instant().plusMillis(10);
            },
            AFTER_BUG,
            CLOCK,
            () -> {
              throw new AssertionError("not fatal");
            })) {
      loop.start();
      assertThat(three.await(30, TimeUnit.SECONDS)).as("three attempts made").isTrue();
    }
    assertThat(calls.get()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aBugIsRetriedAndTheLoopGoesOn() throws InterruptedException {
    CountDownLatch recovered = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (RefreshLoop loop =
        new RefreshLoop(
            () -> {
              if (calls.incrementAndGet() < 3) {
                throw new IllegalStateException("a bug");
              }
              recovered.countDown();
              return Instant.MAX.minusSeconds(1);
            },
            AFTER_BUG,
            CLOCK,
            () -> {
              throw new AssertionError("not fatal");
            })) {
      loop.start();
      assertThat(recovered.await(30, TimeUnit.SECONDS))
          .as("attempts after two RuntimeExceptions")
          .isTrue();
    }
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void anErrorStopsTheLoopAndCallsOnFatal() throws InterruptedException {
    CountDownLatch fatal = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (RefreshLoop loop =
        new RefreshLoop(
            () -> {
              calls.incrementAndGet();
              throw new OutOfMemoryError("simulated");
            },
            AFTER_BUG,
            CLOCK,
            fatal::countDown)) {
      loop.start();
      assertThat(fatal.await(30, TimeUnit.SECONDS)).as("onFatal called").isTrue();
      // A loop that went on would retry after AFTER_BUG (20 ms); ten times that shows it did not.
      Thread.sleep(AFTER_BUG.multipliedBy(10).toMillis());
    }
    assertThat(calls.get()).as("attempts after the Error").isEqualTo(1);
  }

  @Test
  void closeStopsFurtherAttempts() throws InterruptedException {
    CountDownLatch first = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    RefreshLoop loop =
        new RefreshLoop(
            () -> {
              calls.incrementAndGet();
              first.countDown();
              return CLOCK.instant().plus(AFTER_BUG);
            },
            AFTER_BUG,
            CLOCK,
            () -> {
              throw new AssertionError("not fatal");
            });
    loop.start();
    assertThat(first.await(30, TimeUnit.SECONDS)).isTrue();
    loop.close();
    int atClose = calls.get();
    Thread.sleep(AFTER_BUG.multipliedBy(10).toMillis());
    // At most an attempt that had already begun when close() was called.
    assertThat(calls.get()).isLessThanOrEqualTo(atClose + 1);
  }
}
