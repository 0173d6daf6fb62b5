package io.stagecred.renewal;

import io.stagecred.config.Timing;
import io.stagecred.renewal.StageDecision.Action;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads lifetimes, timestamps, failure counts and a stage's gathered input; returns when to renew,
 * how long to wait before a retry, and what to do with a stage now. Pure: the caller passes the
 * time in.
 */
public final class RenewalPolicy {

  /** Upper bound of the middle term of the default renew-before. */
  static final Duration DEFAULT_RENEW_CAP = Duration.ofMinutes(10);

  private RenewalPolicy() {}

  /**
   * Parses Go's notation restricted to {@code ^([0-9]+h)?([0-9]+m)?([0-9]+s)?$}, non-empty, e.g.
   * {@code 1h30m}, {@code 20m}, {@code 90s}.
   *
   * @throws IllegalArgumentException naming the accepted form
   */
  public static Duration parseDuration(String text) {
    return GoDuration.parse(text);
  }

  /**
   * Formats whole seconds in the same notation, e.g. {@code 1h30m}, {@code 90s} → {@code 1m30s}.
   */
  public static String formatDuration(Duration duration) {
    return GoDuration.format(duration);
  }

  /**
   * {@code max(lifetime/3, min(10m, lifetime/2))}: a third of a long lifetime, and for short ones a
   * margin that still leaves time to retry before SDKs' own last-15-minutes refresh windows.
   */
  public static Duration defaultRenewBefore(Duration lifetime) {
    Duration third = lifetime.dividedBy(3);
    Duration half = lifetime.dividedBy(2);
    Duration capped = half.compareTo(DEFAULT_RENEW_CAP) < 0 ? half : DEFAULT_RENEW_CAP;
    return third.compareTo(capped) > 0 ? third : capped;
  }

  /**
   * The configured renew-before when {@code 0 < configured < lifetime}, else the default. The
   * lifetime is what STS actually granted (expiration − issuedAt), which can be shorter than
   * requested, so a value that was valid for the spec can still be too long here.
   */
  public static Duration effectiveRenewBefore(Optional<Duration> configured, Duration lifetime) {
    return configured
        .filter(c -> !c.isNegative() && !c.isZero() && c.compareTo(lifetime) < 0)
        .orElseGet(() -> defaultRenewBefore(lifetime));
  }

  /**
   * {@code expiration − renewBefore − jitter}, truncated to seconds and never before {@code
   * issuedAt}. The jitter lies in {@code [0, min(jitterMax, renewBefore/10)]} and derives from
   * {@code jitterKey} (e.g. {@code namespace/name/stage}), so resources created together spread
   * out, and the same input always yields the same time (a restarted operator agrees with the
   * annotation it wrote).
   */
  public static Instant renewalTime(
      Instant issuedAt,
      Instant expiration,
      Optional<Duration> configured,
      Duration jitterMax,
      String jitterKey) {
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiration, "expiration");
    Duration lifetime = Duration.between(issuedAt, expiration);
    Instant earliest = ceilToSecond(issuedAt);
    if (lifetime.isNegative() || lifetime.isZero()) {
      return earliest;
    }
    Duration renewBefore = effectiveRenewBefore(configured, lifetime);
    Duration tenth = renewBefore.dividedBy(10);
    Duration cap = jitterMax.compareTo(tenth) < 0 ? jitterMax : tenth;
    long jitterSeconds = Jitter.pick(jitterKey, 0, Math.max(0, cap.getSeconds()));
    Instant at =
        expiration.minus(renewBefore).minusSeconds(jitterSeconds).truncatedTo(ChronoUnit.SECONDS);
    return at.isBefore(earliest) ? earliest : at;
  }

  /**
   * Delay before the next attempt after {@code consecutiveFailures} failures (values below 1 count
   * as 1). Transient: {@code initial·2^(n−1)} capped at {@code max}; terminal: {@code
   * terminalRetry}. The result lies in {@code [d/2, d]}, picked from {@code jitterKey} and {@code
   * attemptSalt} (e.g. the failure count or the last failure's epoch second) so that stages failing
   * together do not retry in lockstep.
   */
  public static Duration retryDelay(
      int consecutiveFailures,
      boolean terminal,
      Duration initial,
      Duration max,
      Duration terminalRetry,
      String jitterKey,
      long attemptSalt) {
    Duration d =
        terminal ? terminalRetry : exponential(Math.max(1, consecutiveFailures), initial, max);
    long ms = Math.max(0, d.toMillis());
    long low = ms / 2;
    return Duration.ofMillis(low + Jitter.pick(jitterKey, attemptSalt, ms - low));
  }

  /**
   * Decides what to do with one stage: the trigger chain says whether STS must be called and why,
   * the readiness chain whether what is held is good now, and the backoff check holds a failed
   * stage until its wait is over unless its spec, identity or Secret changed since.
   */
  public static StageDecision decide(StageInput in, Timing timing) {
    Objects.requireNonNull(in, "in");
    Instant renewalTime =
        in.secret()
            .filter(s -> s.owned() && s.issuedAt() != null && s.expiration() != null)
            .map(
                s ->
                    RetrySchedule.renewalTime(
                        s.issuedAt(), s.expiration(), in.renewBefore(), timing, in.jitterKey()))
            .orElse(null);
    Optional<Finding> notReady = StageCheck.first(StageCheck.READINESS, in, renewalTime);
    Optional<Finding> trigger = StageCheck.first(StageCheck.TRIGGERS, in, renewalTime);
    if (trigger.isPresent() && trigger.get().check() == StageCheck.SECRET_NOT_OWNED) {
      return new StageDecision(Action.CONFLICT, trigger, notReady, null, null);
    }
    if (trigger.isPresent()) {
      LastAttempt last = in.last();
      boolean waiting =
          last.failures() > 0
              && last.nextAttempt() != null
              && in.now().isBefore(last.nextAttempt())
              && in.basis().equals(last.basis());
      return waiting
          ? new StageDecision(Action.WAIT, trigger, notReady, renewalTime, last.nextAttempt())
          : new StageDecision(Action.ISSUE, trigger, notReady, renewalTime, null);
    }
    SecretFacts held = in.secret().orElseThrow();
    boolean recordedRight =
        held.expiration().equals(held.recordedExpiration())
            && renewalTime.equals(held.recordedRenewalTime())
            && held.labelled();
    return new StageDecision(
        recordedRight ? Action.KEEP : Action.REPAIR, trigger, notReady, renewalTime, null);
  }

  private static Duration exponential(int n, Duration initial, Duration max) {
    // 2^(n-1) overflows long past 62 doublings, and Duration overflows sooner: both mean "the cap".
    if (n - 1 >= 62) {
      return max;
    }
    try {
      Duration d = initial.multipliedBy(1L << (n - 1));
      return d.compareTo(max) > 0 ? max : d;
    } catch (ArithmeticException overflow) {
      return max;
    }
  }

  private static Instant ceilToSecond(Instant t) {
    Instant floor = t.truncatedTo(ChronoUnit.SECONDS);
    return floor.equals(t) ? t : floor.plusSeconds(1);
  }
}
