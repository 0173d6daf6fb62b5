package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagecred.config.StagecredConfig;
import io.stagecred.renewal.RenewalPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  // Defaults: retry 5s doubling to 5m, terminal 15m.
  private static final StagecredConfig.Renewal TIMING = SidecarEnv.config(Map.of()).renewal();

  private static Duration delay(int failures, boolean transientFailure, Duration validFor) {
    Optional<Instant> validUntil = Optional.ofNullable(validFor).map(NOW::plus);
    return Duration.between(
        NOW, RetrySchedule.next(NOW, failures, transientFailure, validUntil, TIMING, "pod/dev"));
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
  void withoutValidCredentialsEveryFailureBacksOffLikeATransientOne() {
    assertThat(delay(1, false, null)).isBetween(Duration.ofMillis(2500), Duration.ofSeconds(5));
    assertThat(delay(2, false, Duration.ofSeconds(-1)))
        .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(10));
  }

  @Test
  void withoutValidCredentialsTheWaitIsCappedSoRecoveryIsQuick() {
    // 20 failures would mean the 5-minute transient cap; the blocked deploy waits 30 s at most.
    assertThat(delay(20, true, null)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(30));
    assertThat(delay(20, true, Duration.ofHours(1))).isGreaterThan(Duration.ofSeconds(30));
  }

  private static final Instant ISSUED = Instant.parse("2026-11-21T10:00:00Z");

  @Test
  void aRenewalAfterTheMinimumIntervalIsKept() {
    Instant renewal = ISSUED.plus(Duration.ofMinutes(40));
    assertThat(
            RetrySchedule.afterSuccess(
                ISSUED, ISSUED.plus(Duration.ofHours(1)), renewal, TIMING.minInterval()))
        .isEqualTo(renewal);
  }

  @Test
  void aRenewBeforeCloseToTheLifetimeDoesNotRenewAtOnce() {
    // 900 s granted and renewBefore 14m55s: the policy's time is the moment of issuing.
    Instant expiration = ISSUED.plusSeconds(900);
    Instant policy =
        RenewalPolicy.renewalTime(
            ISSUED, expiration, Optional.of(Duration.parse("PT14M55S")), TIMING.jitterMax(), "p/s");
    assertThat(policy).isEqualTo(ISSUED);

    assertThat(RetrySchedule.afterSuccess(ISSUED, expiration, policy, TIMING.minInterval()))
        .isEqualTo(ISSUED.plus(TIMING.minInterval()))
        .isEqualTo(ISSUED.plusSeconds(5));
  }

  @Test
  void aLifetimeShorterThanTwiceTheMinimumRenewsAtHalfOfIt() {
    Instant expiration = ISSUED.plusSeconds(4);
    assertThat(RetrySchedule.afterSuccess(ISSUED, expiration, ISSUED, TIMING.minInterval()))
        .isEqualTo(ISSUED.plusSeconds(2));
  }

  @Test
  void credentialsThatLookExpiredOnArrivalWaitTheMinimumInterval() {
    // The pod's clock is ahead of STS's: the expiration is already behind "now".
    Instant expiration = ISSUED.minusSeconds(30);
    assertThat(RetrySchedule.afterSuccess(ISSUED, expiration, ISSUED, TIMING.minInterval()))
        .isEqualTo(ISSUED.plusSeconds(5));
  }
}
