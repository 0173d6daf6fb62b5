package io.stagecred.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.api.Reason;
import io.stagecred.config.Timing;
import io.stagecred.renewal.StageDecision.Action;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The renewal decision for one stage, scenario by scenario, with the default timing. */
class StageDecisionTest {

  static final Instant ISSUED = Instant.parse("2026-11-21T19:00:00Z");
  static final Instant EXPIRES = ISSUED.plus(Duration.ofHours(1));
  static final Instant NOW = ISSUED.plus(Duration.ofMinutes(30));
  static final String KEY = "ci/orders/dev";
  static final Timing TIMING = Timings.DEFAULTS;

  /** The renewal time the policy computes for the Secret below with the default renewBefore. */
  static final Instant RENEW =
      RetrySchedule.renewalTime(ISSUED, EXPIRES, Optional.empty(), TIMING, KEY);

  static SecretFacts fresh() {
    return new SecretFacts(
        true,
        true,
        "fp-1",
        ISSUED,
        EXPIRES,
        EXPIRES,
        RENEW,
        "arn:aws:sts::1:assumed-role/r/s",
        "7",
        true);
  }

  /** A stage whose Secret is fresh and whose last attempt succeeded; scenarios change a fact. */
  static StageInput input() {
    return new StageInput(
        "dev", Optional.of(fresh()), "fp-1", Optional.empty(), KEY, LastAttempt.NONE, NOW);
  }

  static StageInput secret(UnaryOperator<SecretFacts> change) {
    StageInput in = input();
    return new StageInput(
        in.stage(),
        Optional.of(change.apply(fresh())),
        in.desiredFingerprint(),
        in.renewBefore(),
        in.jitterKey(),
        in.last(),
        in.now());
  }

  static StageInput at(StageInput in, Instant now) {
    return new StageInput(
        in.stage(),
        in.secret(),
        in.desiredFingerprint(),
        in.renewBefore(),
        in.jitterKey(),
        in.last(),
        now);
  }

  static StageInput missing() {
    StageInput in = input();
    return new StageInput(
        "dev", Optional.empty(), "fp-1", Optional.empty(), KEY, in.last(), in.now());
  }

  /** The last attempt failed at {@code NOW - 1m} and may be retried at {@code next}. */
  static StageInput failedBefore(StageInput in, Instant next, String basis) {
    LastAttempt last =
        new LastAttempt(
            Reason.AccessDenied,
            "denied",
            3,
            NOW.minusSeconds(60),
            next,
            basis == null ? in.basis() : basis,
            true);
    return new StageInput(
        in.stage(),
        in.secret(),
        in.desiredFingerprint(),
        in.renewBefore(),
        in.jitterKey(),
        last,
        in.now());
  }

  static StageInput renewBefore(StageInput in, Duration renewBefore) {
    return new StageInput(
        in.stage(),
        in.secret(),
        in.desiredFingerprint(),
        Optional.of(renewBefore),
        in.jitterKey(),
        in.last(),
        in.now());
  }

  static SecretFacts facts(
      boolean owned, boolean intact, String fp, Instant issued, Instant expiration) {
    return new SecretFacts(
        owned, intact, fp, issued, expiration, expiration, RENEW, null, "7", true);
  }

  /** A fresh Secret whose expiration and renewal-time annotations someone moved to 2099. */
  static SecretFacts annotatedFor2099() {
    Instant far = Instant.parse("2099-01-01T00:00:00Z");
    return new SecretFacts(true, true, "fp-1", ISSUED, EXPIRES, far, far, null, "8", true);
  }

  /** {@link #fresh()} with a label of stagecred's removed or changed by someone. */
  static SecretFacts relabelled() {
    SecretFacts f = fresh();
    return new SecretFacts(
        f.owned(),
        f.intact(),
        f.fingerprint(),
        f.issuedAt(),
        f.expiration(),
        f.recordedExpiration(),
        f.recordedRenewalTime(),
        f.assumedRoleArn(),
        f.version(),
        false);
  }

  static Stream<Arguments> scenarios() {
    StageInput due = at(input(), RENEW);
    return Stream.of(
        arguments("a fresh Secret for the current spec is kept", input(), Action.KEEP, null, null),
        arguments(
            "a fresh Secret is kept until the very moment of its renewal time",
            at(input(), RENEW.minusMillis(1)),
            Action.KEEP,
            null,
            null),
        arguments(
            "a missing Secret is issued",
            missing(),
            Action.ISSUE,
            Reason.SecretMissing,
            Reason.SecretMissing),
        arguments(
            "someone else's Secret is never touched",
            secret(s -> facts(false, true, "fp-1", ISSUED, EXPIRES)),
            Action.CONFLICT,
            Reason.SecretConflict,
            Reason.SecretConflict),
        arguments(
            "someone else's Secret is never touched, even when it looks edited and expired",
            secret(s -> facts(false, false, null, null, null)),
            Action.CONFLICT,
            Reason.SecretConflict,
            Reason.SecretConflict),
        arguments(
            "an edited Secret is restored",
            secret(s -> facts(true, false, "fp-1", ISSUED, null)),
            Action.ISSUE,
            Reason.SecretEdited,
            Reason.SecretEdited),
        arguments(
            "an edit is reported before a spec change",
            secret(s -> facts(true, false, "fp-0", ISSUED, null)),
            Action.ISSUE,
            Reason.SecretEdited,
            Reason.SecretEdited),
        arguments(
            "a Secret issued for an older spec is reissued",
            secret(s -> facts(true, true, "fp-0", ISSUED, EXPIRES)),
            Action.ISSUE,
            Reason.SpecChanged,
            Reason.SpecChanged),
        arguments(
            "a Secret without a recorded fingerprint is reissued as a spec change",
            secret(s -> facts(true, true, null, ISSUED, EXPIRES)),
            Action.ISSUE,
            Reason.SpecChanged,
            Reason.SpecChanged),
        arguments(
            "a Secret is renewed exactly at its renewal time",
            due,
            Action.ISSUE,
            Reason.RenewalDue,
            null),
        arguments(
            "a Secret with no readable issue time is renewed now",
            secret(s -> facts(true, true, "fp-1", null, EXPIRES)),
            Action.ISSUE,
            Reason.RenewalDue,
            null),
        arguments(
            "expired credentials are reported as expired rather than merely due",
            at(input(), EXPIRES),
            Action.ISSUE,
            Reason.Expired,
            Reason.Expired),
        arguments(
            "credentials with no readable expiration count as expired",
            secret(s -> facts(true, true, "fp-1", ISSUED, null)),
            Action.ISSUE,
            Reason.Expired,
            Reason.Expired),
        arguments(
            "the expiration comes from the data: an annotation moved to 2099 changes nothing but"
                + " is repaired",
            secret(s -> annotatedFor2099()),
            Action.REPAIR,
            null,
            null),
        arguments(
            "a label removed or changed by someone is put back, without calling STS",
            secret(s -> relabelled()),
            Action.REPAIR,
            null,
            null),
        arguments(
            "an expiration annotation moved to 2099 does not stop a due renewal",
            at(secret(s -> annotatedFor2099()), RENEW),
            Action.ISSUE,
            Reason.RenewalDue,
            null),
        arguments(
            "a longer renewBefore re-annotates the renewal time when it is still ahead",
            renewBefore(at(input(), ISSUED.plusSeconds(60)), Duration.ofMinutes(50)),
            Action.REPAIR,
            null,
            null),
        arguments(
            "a longer renewBefore makes a Secret due at once when its new time has passed",
            renewBefore(input(), Duration.ofMinutes(45)),
            Action.ISSUE,
            Reason.RenewalDue,
            null),
        arguments(
            "a failed stage waits for its next attempt however many passes come",
            failedBefore(due, RENEW.plus(Duration.ofMinutes(5)), null),
            Action.WAIT,
            Reason.RenewalDue,
            null),
        arguments(
            "a failed stage is tried again when its wait is over",
            failedBefore(at(input(), RENEW.plusSeconds(300)), RENEW.plusSeconds(300), null),
            Action.ISSUE,
            Reason.RenewalDue,
            null),
        arguments(
            "a failed stage is tried again at once when its spec or Secret changed",
            failedBefore(due, RENEW.plus(Duration.ofMinutes(5)), "fp-0/6"),
            Action.ISSUE,
            Reason.RenewalDue,
            null),
        arguments(
            "a failed stage that never got a Secret waits too",
            failedBefore(missing(), NOW.plus(Duration.ofMinutes(5)), null),
            Action.WAIT,
            Reason.SecretMissing,
            Reason.SecretMissing),
        arguments(
            "credentials that expire while the stage waits are no longer ready",
            failedBefore(at(input(), EXPIRES), EXPIRES.plusSeconds(30), null),
            Action.WAIT,
            Reason.Expired,
            Reason.Expired));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void decidesWhatToDoWithAStage(
      String scenario, StageInput in, Action action, Reason trigger, Reason notReady) {
    StageDecision decision = RenewalPolicy.decide(in, TIMING);
    assertThat(decision.action()).isEqualTo(action);
    assertThat(decision.trigger().map(Finding::reason).orElse(null)).isEqualTo(trigger);
    assertThat(decision.notReady().map(Finding::reason).orElse(null)).isEqualTo(notReady);
    assertThat(decision.ready()).isEqualTo(notReady == null);
    decision.trigger().ifPresent(f -> assertThat(f.message()).isNotBlank().doesNotContain("20"));
  }

  @Test
  void theRenewalTimeIsComputedFromTheCurrentRenewBeforeNotReadFromTheAnnotation() {
    StageDecision twenty = RenewalPolicy.decide(input(), TIMING);
    StageDecision thirty =
        RenewalPolicy.decide(
            renewBefore(at(input(), ISSUED.plusSeconds(60)), Duration.ofMinutes(30)), TIMING);
    assertThat(twenty.renewalTime()).isEqualTo(RENEW);
    assertThat(Duration.between(thirty.renewalTime(), twenty.renewalTime()))
        .as("default renewBefore of one hour is 20 min; 30 min moves the renewal 10 min earlier")
        .isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void aWaitingStageKeepsTheTimeItMayBeTriedAgain() {
    Instant next = RENEW.plus(Duration.ofMinutes(5));
    StageDecision decision =
        RenewalPolicy.decide(failedBefore(at(input(), RENEW), next, null), TIMING);
    assertThat(decision.nextAttempt()).isEqualTo(next);
  }

  static Stream<Arguments> issuedReasons() {
    return Stream.of(
        arguments(Reason.RenewalDue, false, Reason.CredentialsRenewed),
        arguments(Reason.Expired, true, Reason.CredentialsRenewed),
        arguments(Reason.SecretEdited, true, Reason.SecretRestored),
        arguments(Reason.SecretMissing, true, Reason.SecretRestored),
        arguments(Reason.SecretMissing, false, Reason.CredentialsIssued),
        arguments(Reason.SpecChanged, true, Reason.CredentialsIssued));
  }

  @ParameterizedTest(name = "issued for {0} (held before: {1}) says {2}")
  @MethodSource("issuedReasons")
  void anIssueSaysWhyItHappened(Reason trigger, boolean heldBefore, Reason expected) {
    LastAttempt last = new LastAttempt(null, null, 0, null, null, null, heldBefore);
    assertThat(
            StageDecision.issuedReason(
                new Finding(StageCheck.SECRET_MISSING, trigger, "why"), last))
        .isEqualTo(expected);
  }
}
