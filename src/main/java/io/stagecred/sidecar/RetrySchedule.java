package io.stagecred.sidecar;

import io.stagecred.config.StagecredConfig;
import io.stagecred.renewal.RenewalPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Reads a failure count, its class and how long the current credentials stay valid; returns when
 * the sidecar tries again. Pure.
 */
final class RetrySchedule {

  /**
   * Longest wait while no valid credentials are held: the deploy is blocked, so recovery after a
   * long STS outage must not wait for the full retryMax; one call per pod every half minute is
   * still nothing for STS.
   */
  static final Duration WITHOUT_CREDENTIALS_MAX = Duration.ofSeconds(30);

  private RetrySchedule() {}

  /**
   * While valid credentials are held, the operator's backoff applies (transient: doubling from
   * retryInitial to retryMax; terminal: terminalRetry), but never later than half the time they
   * have left, so several attempts happen before they expire. Without valid credentials nothing is
   * lost by retrying, and IAM changes (a trust policy being fixed) take seconds to propagate, so
   * every failure backs off like a transient one.
   */
  static Instant next(
      Instant now,
      int consecutiveFailures,
      boolean transientFailure,
      Optional<Instant> validUntil,
      StagecredConfig.Renewal timing,
      String jitterKey) {
    Optional<Instant> valid = validUntil.filter(now::isBefore);
    Duration max =
        valid.isEmpty() && timing.retryMax().compareTo(WITHOUT_CREDENTIALS_MAX) > 0
            ? WITHOUT_CREDENTIALS_MAX
            : timing.retryMax();
    Duration delay =
        RenewalPolicy.retryDelay(
            consecutiveFailures,
            valid.isPresent() && !transientFailure,
            timing.retryInitial(),
            max,
            timing.terminalRetry(),
            jitterKey,
            consecutiveFailures);
    if (valid.isPresent()) {
      Duration half = Duration.between(now, valid.get()).dividedBy(2);
      Duration floor = timing.retryInitial().dividedBy(2);
      Duration cap = half.compareTo(floor) > 0 ? half : floor;
      if (delay.compareTo(cap) > 0) {
        delay = cap;
      }
    }
    return now.plus(delay);
  }

  /**
   * When to renew credentials issued at {@code issuedAt}: the policy's {@code renewal} time, but
   * never sooner than {@code minInterval} after issuing (half the lifetime when that is shorter). A
   * renewBefore close to the lifetime, or a clock ahead of STS's, would otherwise put the renewal
   * at the moment of issuing, again and again.
   */
  static Instant afterSuccess(
      Instant issuedAt, Instant expiration, Instant renewal, Duration minInterval) {
    Duration half = Duration.between(issuedAt, expiration).dividedBy(2);
    Duration gap =
        half.isNegative() || half.isZero() || half.compareTo(minInterval) > 0 ? minInterval : half;
    Instant earliest = issuedAt.plus(gap);
    return renewal.isBefore(earliest) ? earliest : renewal;
  }
}
