package io.stagecred.renewal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.renewal.StageDecision.Action;
import io.stagecred.renewal.StageDecision.Cause;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StageDecisionTest {

  static final Instant NOW = Instant.parse("2026-11-21T19:30:00Z");
  static final Instant EXPIRES = Instant.parse("2026-11-21T20:00:00Z");
  static final Instant RENEW = Instant.parse("2026-11-21T19:40:00Z");

  /** A fresh, owned, intact Secret for the current spec; scenarios change one or two facts. */
  static StageFacts fresh() {
    return new StageFacts(true, true, true, "fp-1", "fp-1", EXPIRES, RENEW);
  }

  static StageFacts with(
      boolean exists,
      boolean owned,
      boolean intact,
      String recordedFp,
      Instant exp,
      Instant renew) {
    return new StageFacts(exists, owned, intact, recordedFp, "fp-1", exp, renew);
  }

  static Stream<Arguments> scenarios() {
    return Stream.of(
        arguments(
            "a fresh secret for the current spec is kept", fresh(), NOW, Action.KEEP, null, null),
        arguments(
            "a fresh secret is kept until the very second of its renewal time",
            fresh(),
            RENEW.minusMillis(1),
            Action.KEEP,
            null,
            null),
        arguments(
            "a missing secret is issued",
            StageFacts.missing("fp-1"),
            NOW,
            Action.ISSUE,
            Cause.MISSING,
            StageCheck.SECRET_MISSING),
        arguments(
            "an unowned secret is never touched",
            with(true, false, true, "fp-1", EXPIRES, RENEW),
            NOW,
            Action.CONFLICT,
            null,
            StageCheck.SECRET_NOT_OWNED),
        arguments(
            "an unowned secret is never touched even when it looks expired and edited",
            with(true, false, false, null, null, null),
            NOW,
            Action.CONFLICT,
            null,
            StageCheck.SECRET_NOT_OWNED),
        arguments(
            "an edited secret is restored",
            with(true, true, false, "fp-1", EXPIRES, RENEW),
            NOW,
            Action.ISSUE,
            Cause.EDITED,
            StageCheck.SECRET_EDITED),
        arguments(
            "an edit is reported before a spec change",
            with(true, true, false, "fp-0", EXPIRES, RENEW),
            NOW,
            Action.ISSUE,
            Cause.EDITED,
            StageCheck.SECRET_EDITED),
        arguments(
            "a secret issued for an older spec is reissued",
            with(true, true, true, "fp-0", EXPIRES, RENEW),
            NOW,
            Action.ISSUE,
            Cause.SPEC_CHANGED,
            StageCheck.SPEC_CHANGED),
        arguments(
            "a secret without a recorded fingerprint is reissued as a spec change",
            with(true, true, true, null, EXPIRES, RENEW),
            NOW,
            Action.ISSUE,
            Cause.SPEC_CHANGED,
            StageCheck.SPEC_CHANGED),
        arguments(
            "a secret inside the renewal window is reissued",
            fresh(),
            RENEW.plusSeconds(1),
            Action.ISSUE,
            Cause.RENEWAL_DUE,
            StageCheck.RENEWAL_DUE),
        arguments(
            "a secret is reissued exactly at its renewal time",
            fresh(),
            RENEW,
            Action.ISSUE,
            Cause.RENEWAL_DUE,
            StageCheck.RENEWAL_DUE),
        arguments(
            "a secret without a recorded renewal time is renewed now",
            with(true, true, true, "fp-1", EXPIRES, null),
            NOW,
            Action.ISSUE,
            Cause.RENEWAL_DUE,
            StageCheck.RENEWAL_DUE),
        arguments(
            "an expired secret is reported as expired rather than merely due",
            fresh(),
            EXPIRES,
            Action.ISSUE,
            Cause.EXPIRED,
            StageCheck.EXPIRED),
        arguments(
            "a secret without a recorded expiration counts as expired",
            with(true, true, true, "fp-1", null, RENEW),
            NOW,
            Action.ISSUE,
            Cause.EXPIRED,
            StageCheck.EXPIRED),
        arguments(
            "an expiration in the past wins over a renewal time recorded in the future",
            with(true, true, true, "fp-1", NOW.minusSeconds(1), EXPIRES),
            NOW,
            Action.ISSUE,
            Cause.EXPIRED,
            StageCheck.EXPIRED));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("scenarios")
  void decidesWhatToDoWithAStage(
      String scenario,
      StageFacts facts,
      Instant now,
      Action action,
      Cause cause,
      StageCheck check) {
    StageDecision decision = RenewalPolicy.decide(facts, now);
    assertThat(decision.action()).isEqualTo(action);
    assertThat(decision.cause()).isEqualTo(cause);
    assertThat(decision.check()).isEqualTo(check);
    assertThat(decision.issue()).isEqualTo(action == Action.ISSUE);
    assertThat(decision.message()).isNotBlank();
  }
}
