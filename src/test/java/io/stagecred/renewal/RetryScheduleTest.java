package io.stagecred.renewal;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagecred.config.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final Timing TIMING = Timings.DEFAULTS;

  private static Duration delay(int failures, boolean transientFailure, Duration validFor) {
    Optional<Instant> validUntil = Optional.ofNullable(validFor).map(NOW::plus);
    return Duration.between(
        NOW,
        RetrySchedule.nextAttempt(NOW, failures, transientFailure, validUntil, TIMING, "pod/dev"));
  }

  @Test
  void transientFailuresBackOffExponentiallyWithJitter() {
    assertThat(delay(1, true, Duration.ofHours(1)))
        .isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
    assertThat(delay(3, true, Duration.ofHours(1)))
        .isBetween(Duration.ofSeconds(10), Duration.ofSeconds(20));
    assertThat(delay(20, true, Duration.ofHours(1)))
        .isBetween(Duration.ofSeconds(150), Duration.ofMinutes(5));
  }

  @Test
  void aTerminalFailureWaitsLongButNotPastHalfTheRemainingValidity() {
    assertThat(delay(1, false, Duration.ofHours(1)))
        .isBetween(Duration.ofMinutes(7).plusSeconds(30), Duration.ofMinutes(15));
    assertThat(delay(1, false, Duration.ofMinutes(10))).isLessThanOrEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void closeToExpiryTheDelayShrinksButNotBelowHalfTheFirstRetry() {
    assertThat(delay(8, true, Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void withoutValidCredentialsATerminalFailureIsRetriedWithinHalfAMinute() {
    // Nothing is lost by retrying, and IAM fixes propagate in seconds: 15 min would be too long,
    // a transient-style 2.5 s too eager for a refusal.
    assertThat(delay(1, false, null)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    assertThat(delay(2, false, Duration.ofSeconds(-1)))
        .isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
  }

  @Test
  void withoutValidCredentialsTheWaitIsCappedSoRecoveryIsQuick() {
    // 20 failures would mean the 5-minute transient cap; the blocked deploy waits 30 s at most.
    assertThat(delay(20, true, null)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    assertThat(delay(20, true, Duration.ofHours(1))).isGreaterThan(Duration.ofSeconds(30));
  }

  private static final Instant ISSUED = Instant.parse("2026-11-21T10:00:00Z");

  private static Instant renewal(Instant expiration, Optional<Duration> renewBefore) {
    return RetrySchedule.renewalTime(ISSUED, expiration, renewBefore, TIMING, "p/s");
  }

  @Test
  void aRenewalAfterTheMinimumIntervalIsThePolicysTime() {
    Instant expiration = ISSUED.plus(Duration.ofHours(1));
    assertThat(renewal(expiration, Optional.of(Duration.ofMinutes(20))))
        .isEqualTo(
            RenewalPolicy.renewalTime(
                ISSUED, expiration, Optional.of(Duration.ofMinutes(20)), TIMING.jitterMax(), "p/s"))
        .isBetween(ISSUED.plus(Duration.ofMinutes(38)), ISSUED.plus(Duration.ofMinutes(40)));
  }

  @Test
  void aRenewBeforeCloseToTheLifetimeDoesNotRenewAtOnce() {
    // 900 s granted and renewBefore 14m55s: the policy's time is the moment of issuing.
    Instant expiration = ISSUED.plusSeconds(900);
    Optional<Duration> renewBefore = Optional.of(Duration.parse("PT14M55S"));
    assertThat(
            RenewalPolicy.renewalTime(ISSUED, expiration, renewBefore, TIMING.jitterMax(), "p/s"))
        .isEqualTo(ISSUED);
    assertThat(renewal(expiration, renewBefore)).isEqualTo(ISSUED.plusSeconds(5));
  }

  @Test
  void aLifetimeShorterThanTwiceTheMinimumRenewsAtHalfOfIt() {
    assertThat(renewal(ISSUED.plusSeconds(4), Optional.empty())).isEqualTo(ISSUED.plusSeconds(2));
  }

  @Test
  void credentialsThatLookExpiredOnArrivalWaitTheMinimumInterval() {
    // The pod's clock is ahead of STS's: the expiration is already behind "now".
    assertThat(renewal(ISSUED.minusSeconds(30), Optional.empty())).isEqualTo(ISSUED.plusSeconds(5));
  }

  @Test
  void theRenewalTimeFollowsTheCurrentRenewBefore() {
    Instant expiration = ISSUED.plus(Duration.ofHours(1));
    Instant twenty = renewal(expiration, Optional.of(Duration.ofMinutes(20)));
    Instant thirty = renewal(expiration, Optional.of(Duration.ofMinutes(30)));
    // Same key, same jitter bound (60 s): the two times differ by exactly the renewBefore change.
    assertThat(Duration.between(thirty, twenty)).isEqualTo(Duration.ofMinutes(10));
  }
}
