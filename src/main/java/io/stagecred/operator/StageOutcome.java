package io.stagecred.operator;

import io.stagecred.api.Reason;
import io.stagecred.failure.Failure;
import io.stagecred.renewal.LastAttempt;
import io.stagecred.renewal.SecretFacts;
import io.stagecred.renewal.StageDecision;
import io.stagecred.sts.IssuedCredentials;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The result of one pass for one concrete stage: what its status entry says and when it needs
 * attention next. Built by the pure factories below from the decision and what was done.
 *
 * @param ready whether the stage's Secret holds unexpired credentials good for the current spec
 * @param expiration when the credentials held expire (also when already expired, so status says
 *     when it happened)
 * @param nextAttempt when a failed stage is tried again (null: not failing)
 * @param retryBasis what the failure is remembered against ({@link
 *     io.stagecred.renewal.StageInput#basis()}); null when not failing
 * @param nextCheck when the stage must be looked at again: its renewal, its expiration (so that
 *     readiness turns false then), or its next attempt; null: only when something changes
 */
public record StageOutcome(
    String stage,
    String secretName,
    String roleArn,
    boolean ready,
    Reason reason,
    String message,
    String assumedRoleArn,
    Instant expiration,
    Instant renewalTime,
    int failures,
    Instant lastFailureTime,
    Instant nextAttempt,
    String retryBasis,
    Instant nextCheck) {

  /** Which stage an outcome is about. */
  public record Ref(String stage, String secretName, String roleArn) {}

  /** Held credentials kept (or re-annotated): ready until they fall due. */
  static StageOutcome kept(Ref ref, SecretFacts held, StageDecision decision, LastAttempt last) {
    Reason reason =
        last.reason() == Reason.CredentialsRenewed || last.reason() == Reason.SecretRestored
            ? last.reason()
            : Reason.CredentialsIssued;
    return new StageOutcome(
        ref.stage(),
        ref.secretName(),
        ref.roleArn(),
        true,
        reason,
        validMessage(held.expiration(), decision.renewalTime()),
        held.assumedRoleArn(),
        held.expiration(),
        decision.renewalTime(),
        0,
        null,
        null,
        null,
        earliest(decision.renewalTime(), held.expiration()));
  }

  /** Credentials just issued and written. */
  static StageOutcome issued(
      Ref ref, IssuedCredentials credentials, Instant renewalTime, Reason reason) {
    return new StageOutcome(
        ref.stage(),
        ref.secretName(),
        ref.roleArn(),
        true,
        reason,
        validMessage(credentials.expiration(), renewalTime),
        credentials.assumedRoleArn(),
        credentials.expiration(),
        renewalTime,
        0,
        null,
        null,
        null,
        earliest(renewalTime, credentials.expiration()));
  }

  /**
   * An attempt that failed: what is held stays and keeps the stage ready while it is valid; the
   * message is the failure's own, without a countdown (the next attempt is a field).
   */
  static StageOutcome failed(
      Ref ref,
      Optional<SecretFacts> held,
      StageDecision decision,
      Failure failure,
      int failures,
      Instant nextAttempt,
      String basis,
      Instant now) {
    Optional<SecretFacts> usable = decision.ready() ? held : Optional.empty();
    Instant expiration = shownExpiration(held);
    return new StageOutcome(
        ref.stage(),
        ref.secretName(),
        ref.roleArn(),
        decision.ready(),
        failure.reason(),
        failure.message(),
        usable.map(SecretFacts::assumedRoleArn).orElse(null),
        expiration,
        decision.ready() ? decision.renewalTime() : null,
        failures,
        now,
        nextAttempt,
        basis,
        earliest(nextAttempt, decision.ready() ? expiration : null));
  }

  /** A failed stage whose wait is not over: the last failure stands; nothing is called. */
  static StageOutcome waiting(
      Ref ref, Optional<SecretFacts> held, StageDecision decision, LastAttempt last) {
    Instant expiration = shownExpiration(held);
    return new StageOutcome(
        ref.stage(),
        ref.secretName(),
        ref.roleArn(),
        decision.ready(),
        last.reason(),
        last.message(),
        decision.ready() ? held.map(SecretFacts::assumedRoleArn).orElse(null) : null,
        expiration,
        decision.ready() ? decision.renewalTime() : null,
        last.failures(),
        last.lastFailure(),
        decision.nextAttempt(),
        last.basis(),
        earliest(decision.nextAttempt(), decision.ready() ? expiration : null));
  }

  /** Someone else's Secret under the stage's name: left alone, looked at again at {@code next}. */
  static StageOutcome conflict(Ref ref, StageDecision decision, Instant next) {
    return new StageOutcome(
        ref.stage(),
        ref.secretName(),
        ref.roleArn(),
        false,
        Reason.SecretConflict,
        conflictMessage(ref, decision),
        null,
        null,
        null,
        0,
        null,
        null,
        null,
        next);
  }

  /**
   * A stage that is not issued because its spec entry, or the whole resource, is refused: what it
   * holds is reported as it is (ready while it lasts, looked at again when it expires), never
   * renewed.
   */
  static StageOutcome notIssued(
      Ref ref, Optional<SecretFacts> held, Reason reason, String message, Instant now) {
    Optional<SecretFacts> valid =
        held.filter(
            h -> h.owned() && h.intact() && h.expiration() != null && now.isBefore(h.expiration()));
    return new StageOutcome(
        ref.stage(),
        ref.secretName(),
        ref.roleArn(),
        valid.isPresent(),
        reason,
        message,
        valid.map(SecretFacts::assumedRoleArn).orElse(null),
        shownExpiration(held),
        null,
        0,
        null,
        null,
        null,
        valid.map(SecretFacts::expiration).orElse(null));
  }

  /**
   * The earliest time any of {@code outcomes} needs attention, as a delay of at least {@code min}.
   */
  static Optional<Duration> nextCheck(List<StageOutcome> outcomes, Instant now, Duration min) {
    return outcomes.stream()
        .map(StageOutcome::nextCheck)
        .filter(Objects::nonNull)
        .min(Comparator.naturalOrder())
        .map(t -> Duration.between(now, t))
        .map(d -> d.compareTo(min) < 0 ? min : d);
  }

  /** The conflict, naming the Secret. */
  static String conflictMessage(Ref ref, StageDecision decision) {
    return "Secret " + ref.secretName() + ": " + decision.trigger().orElseThrow().message();
  }

  private static Instant shownExpiration(Optional<SecretFacts> held) {
    return held.filter(h -> h.owned() && h.intact()).map(SecretFacts::expiration).orElse(null);
  }

  private static String validMessage(Instant expiration, Instant renewalTime) {
    return "credentials valid until " + expiration + ", renewal at " + renewalTime;
  }

  private static Instant earliest(Instant... times) {
    return Stream.of(times).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
  }
}
