package io.stagecred.renewal;

import io.stagecred.config.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The one scheduling policy of the operator and the sidecar. Reads a failure count, whether the
 * failure is transient, how long the credentials held stay valid and the timing settings; returns
 * when to try again, or when to renew credentials just issued. Pure.
 */
public final class RetrySchedule {

  /**
   * Longest wait while no valid credentials are held: whoever needs them is blocked, so recovery
   * after an outage, or after a trust policy is fixed (IAM takes seconds to propagate), must not
   * wait for the full backoff; one call per stage every half minute is still nothing for STS.
   */
  public static final Duration WITHOUT_CREDENTIALS_MAX = Duration.ofSeconds(30);

  private RetrySchedule() {}

  /**
   * When to try again after {@code consecutiveFailures} failures in a row. Transient failures back
   * off exponentially (retryInitial doubling to retryMax), terminal ones wait terminalRetry; both
   * with jitter in {@code [d/2, d]} from {@code jitterKey}. While valid credentials are held the
   * wait never passes half the time they have left (so several attempts happen before they expire),
   * nor drops below half of retryInitial; while none are held it never passes {@link
   * #WITHOUT_CREDENTIALS_MAX}.
   */
  public static Instant nextAttempt(
      Instant now,
      int consecutiveFailures,
      boolean transientFailure,
      Optional<Instant> validUntil,
      Timing timing,
      String jitterKey) {
    Optional<Instant> valid = validUntil.filter(now::isBefore);
    Duration transientMax =
        valid.isEmpty() ? shorter(timing.retryMax(), WITHOUT_CREDENTIALS_MAX) : timing.retryMax();
    Duration terminal =
        valid.isEmpty()
            ? shorter(timing.terminalRetry(), WITHOUT_CREDENTIALS_MAX)
            : timing.terminalRetry();
    Duration delay =
        RenewalPolicy.retryDelay(
            consecutiveFailures,
            !transientFailure,
            timing.retryInitial(),
            transientMax,
            terminal,
            jitterKey,
            consecutiveFailures);
    if (valid.isPresent()) {
      Duration half = Duration.between(now, valid.get()).dividedBy(2);
      Duration floor = timing.retryInitial().dividedBy(2);
      delay = shorter(delay, half.compareTo(floor) > 0 ? half : floor);
    }
    return now.plus(delay);
  }

  /**
   * When to renew credentials issued at {@code issuedAt} that expire at {@code expiration}: {@link
   * RenewalPolicy#renewalTime} with the current {@code renewBefore}, but never sooner than
   * minInterval after issuing (half the lifetime when that is shorter). A renewBefore close to the
   * lifetime, or a clock ahead of STS's, would otherwise put the renewal at the moment of issuing,
   * again and again. Deterministic: the same input gives the same time on every pass.
   */
  public static Instant renewalTime(
      Instant issuedAt,
      Instant expiration,
      Optional<Duration> renewBefore,
      Timing timing,
      String jitterKey) {
    Instant renewal =
        RenewalPolicy.renewalTime(issuedAt, expiration, renewBefore, timing.jitterMax(), jitterKey);
    Duration half = Duration.between(issuedAt, expiration).dividedBy(2);
    Duration minInterval = timing.minInterval();
    Duration gap =
        half.isNegative() || half.isZero() || half.compareTo(minInterval) > 0 ? minInterval : half;
    Instant earliest = issuedAt.plus(gap);
    return renewal.isBefore(earliest) ? earliest : renewal;
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
