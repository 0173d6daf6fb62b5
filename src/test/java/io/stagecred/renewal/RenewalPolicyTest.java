package io.stagecred.renewal;

import static java.time.Duration.ofMinutes;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenewalPolicyTest {

  static final Instant ISSUED = Instant.parse("2026-11-21T19:00:00Z");

  static Stream<Arguments> goodDurations() {
    return Stream.of(
        arguments("minutes alone", "20m", ofMinutes(20)),
        arguments("hours and minutes", "1h30m", ofMinutes(90)),
        arguments("seconds alone", "90s", ofSeconds(90)),
        arguments("all three units", "1h2m3s", ofSeconds(3723)),
        arguments("hours alone", "2h", Duration.ofHours(2)),
        arguments("an explicit zero parses (callers reject it)", "0s", Duration.ZERO),
        arguments("leading zeros are digits like any other", "007m", ofMinutes(7)),
        arguments("minutes past sixty are allowed as in Go", "90m", ofMinutes(90)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodDurations")
  void parsesGoStyleDurations(String scenario, String text, Duration expected) {
    assertThat(RenewalPolicy.parseDuration(text)).isEqualTo(expected);
  }

  static Stream<Arguments> badDurations() {
    return Stream.of(
        arguments("the empty string", ""),
        arguments("null", null),
        arguments("a bare number has no unit", "20"),
        arguments("units out of order", "30m1h"),
        arguments("days are not supported", "1d"),
        arguments("fractions are not supported", "1.5h"),
        arguments("milliseconds are not supported", "500ms"),
        arguments("spaces are not allowed", "1h 30m"),
        arguments("upper-case units", "20M"),
        arguments("negative durations", "-5m"),
        arguments("ISO-8601 is a different notation", "PT20M"),
        arguments("a number too large for a long", "99999999999999999999h"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badDurations")
  void rejectsAnythingElseWithAnExampleOfTheRightForm(String scenario, String text) {
    assertThatThrownBy(() -> RenewalPolicy.parseDuration(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching("(?s).*(20m|too long).*");
  }

  @Test
  void formatsDurationsInTheSameNotation() {
    assertThat(RenewalPolicy.formatDuration(ofMinutes(90))).isEqualTo("1h30m");
    assertThat(RenewalPolicy.formatDuration(ofSeconds(90))).isEqualTo("1m30s");
    assertThat(RenewalPolicy.formatDuration(Duration.ZERO)).isEqualTo("0s");
    assertThat(RenewalPolicy.formatDuration(ofSeconds(3601))).isEqualTo("1h1s");
  }

  static Stream<Arguments> defaults() {
    return Stream.of(
        arguments("one hour renews 20 minutes early (a third)", Duration.ofHours(1), ofMinutes(20)),
        arguments("twelve hours renew 4 hours early", Duration.ofHours(12), Duration.ofHours(4)),
        arguments(
            "30 minutes renew 10 minutes early (third equals the cap)",
            ofMinutes(30),
            ofMinutes(10)),
        arguments(
            "15 minutes renew 7.5 minutes early (half, below the cap)",
            ofMinutes(15),
            ofSeconds(450)),
        arguments(
            "24 minutes renew 10 minutes early (the cap beats a third)",
            ofMinutes(24),
            ofMinutes(10)),
        arguments("a 2-minute grant renews after 1 minute", ofMinutes(2), ofMinutes(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("defaults")
  void defaultRenewBeforeIsMaxOfAThirdAndTheCappedHalf(
      String scenario, Duration lifetime, Duration expected) {
    assertThat(RenewalPolicy.defaultRenewBefore(lifetime)).isEqualTo(expected);
  }

  static Stream<Arguments> effective() {
    Duration hour = Duration.ofHours(1);
    return Stream.of(
        arguments(
            "a configured value shorter than the lifetime wins",
            Optional.of(ofMinutes(5)),
            hour,
            ofMinutes(5)),
        arguments("nothing configured gives the default", Optional.empty(), hour, ofMinutes(20)),
        arguments("zero is ignored", Optional.of(Duration.ZERO), hour, ofMinutes(20)),
        arguments("a negative value is ignored", Optional.of(ofMinutes(-1)), hour, ofMinutes(20)),
        arguments(
            "a value equal to the lifetime is ignored", Optional.of(hour), hour, ofMinutes(20)),
        arguments(
            "a value valid for the spec but longer than a shortened STS grant is ignored",
            Optional.of(ofMinutes(40)),
            ofMinutes(30),
            ofMinutes(10)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("effective")
  void effectiveRenewBeforeFallsBackToTheDefaultWhenTheConfiguredValueDoesNotFit(
      String scenario, Optional<Duration> configured, Duration lifetime, Duration expected) {
    assertThat(RenewalPolicy.effectiveRenewBefore(configured, lifetime)).isEqualTo(expected);
  }

  static Stream<Arguments> renewalTimes() {
    Instant exp = ISSUED.plus(Duration.ofHours(1));
    return Stream.of(
        arguments(
            "one hour with default renew-before and jitter capped at 60s renews 20-21m before"
                + " expiry",
            ISSUED,
            exp,
            Optional.empty(),
            ofSeconds(60),
            exp.minus(ofMinutes(21)),
            exp.minus(ofMinutes(20))),
        arguments(
            "jitter never exceeds a tenth of renew-before (5m configured: at most 30s)",
            ISSUED,
            exp,
            Optional.of(ofMinutes(5)),
            ofMinutes(10),
            exp.minus(ofMinutes(5)).minusSeconds(30),
            exp.minus(ofMinutes(5))),
        arguments(
            "no jitter allowed gives exactly expiration minus renew-before",
            ISSUED,
            exp,
            Optional.of(ofMinutes(15)),
            Duration.ZERO,
            exp.minus(ofMinutes(15)),
            exp.minus(ofMinutes(15))),
        arguments(
            "an expiration already in the past of issuedAt renews at issuedAt",
            ISSUED,
            ISSUED.minusSeconds(5),
            Optional.empty(),
            ofSeconds(60),
            ISSUED,
            ISSUED),
        arguments(
            "a fractional issuedAt is never undercut by truncation",
            ISSUED.plusMillis(400),
            ISSUED.plusMillis(1400),
            Optional.empty(),
            ofSeconds(60),
            ISSUED.plusSeconds(1),
            ISSUED.plusSeconds(1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renewalTimes")
  void renewalTimeIsExpirationMinusRenewBeforeMinusBoundedJitter(
      String scenario,
      Instant issuedAt,
      Instant expiration,
      Optional<Duration> configured,
      Duration jitterMax,
      Instant earliest,
      Instant latest) {
    Instant at =
        RenewalPolicy.renewalTime(issuedAt, expiration, configured, jitterMax, "ci/orders/dev");
    assertThat(at).isBetween(earliest, latest).isAfterOrEqualTo(issuedAt);
    assertThat(at.getNano()).isZero();
  }

  @Test
  void theSameInputAlwaysGivesTheSameRenewalTime() {
    Instant exp = ISSUED.plus(Duration.ofHours(1));
    Instant a =
        RenewalPolicy.renewalTime(ISSUED, exp, Optional.empty(), ofSeconds(60), "ci/orders/dev");
    Instant b =
        RenewalPolicy.renewalTime(ISSUED, exp, Optional.empty(), ofSeconds(60), "ci/orders/dev");
    assertThat(a).isEqualTo(b);
  }

  @Test
  void resourcesCreatedTogetherDoNotAllRenewInTheSameSecond() {
    Instant exp = ISSUED.plus(Duration.ofHours(1));
    Set<Instant> times = new HashSet<>();
    IntStream.range(0, 50)
        .forEach(
            i ->
                times.add(
                    RenewalPolicy.renewalTime(
                        ISSUED, exp, Optional.empty(), ofSeconds(60), "ci/app-" + i + "/dev")));
    assertThat(times).hasSizeGreaterThan(20);
  }

  static Stream<Arguments> retries() {
    Duration initial = ofSeconds(5);
    Duration max = ofMinutes(5);
    Duration terminal = ofMinutes(15);
    return Stream.of(
        arguments(
            "the first transient failure waits 2.5-5s",
            1,
            false,
            initial,
            max,
            terminal,
            ofSeconds(5)),
        arguments(
            "the third transient failure waits up to 20s",
            3,
            false,
            initial,
            max,
            terminal,
            ofSeconds(20)),
        arguments(
            "many transient failures are capped at the maximum",
            10,
            false,
            initial,
            max,
            terminal,
            max),
        arguments(
            "absurd failure counts do not overflow", 10_000, false, initial, max, terminal, max),
        arguments(
            "a zero failure count is treated as the first",
            0,
            false,
            initial,
            max,
            terminal,
            ofSeconds(5)),
        arguments(
            "a terminal failure waits the terminal retry",
            1,
            true,
            initial,
            max,
            terminal,
            terminal),
        arguments(
            "a terminal failure ignores the failure count",
            7,
            true,
            initial,
            max,
            terminal,
            terminal),
        arguments(
            "an initial delay above the cap is capped",
            1,
            false,
            ofMinutes(10),
            max,
            terminal,
            max));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("retries")
  void retryDelayLiesBetweenHalfAndAllOfTheBaseDelay(
      String scenario,
      int failures,
      boolean terminal,
      Duration initial,
      Duration max,
      Duration terminalRetry,
      Duration base) {
    for (long salt = 0; salt < 20; salt++) {
      Duration d =
          RenewalPolicy.retryDelay(
              failures, terminal, initial, max, terminalRetry, "ci/orders/dev", salt);
      assertThat(d).isBetween(base.dividedBy(2), base);
      assertThat(
              RenewalPolicy.retryDelay(
                  failures, terminal, initial, max, terminalRetry, "ci/orders/dev", salt))
          .as("deterministic")
          .isEqualTo(d);
    }
  }

  @Test
  void retryDelaysOfDifferentStagesSpreadOut() {
    Set<Duration> delays = new HashSet<>();
    IntStream.range(0, 30)
        .forEach(
            i ->
                delays.add(
                    RenewalPolicy.retryDelay(
                        4,
                        false,
                        ofSeconds(5),
                        ofMinutes(5),
                        ofMinutes(15),
                        "ci/orders/stage-" + i,
                        4)));
    assertThat(delays).hasSizeGreaterThan(15);
  }
}
