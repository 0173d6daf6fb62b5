package io.stagecred.renewal;

import io.stagecred.api.Reason;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What to do with one stage now, and what is true of it meanwhile. Returned by {@link
 * RenewalPolicy#decide}.
 *
 * @param trigger why STS is called ({@link Action#ISSUE}), would be called ({@link Action#WAIT}),
 *     or why the Secret is left alone ({@link Action#CONFLICT}); empty otherwise
 * @param notReady why what the Secret holds is not good for the current spec now; empty: it is
 * @param renewalTime when the credentials held fall due, computed from their issue time, expiration
 *     and the current renewBefore (null without a Secret of ours to compute it from)
 * @param nextAttempt for {@link Action#WAIT}: when the previous failure's wait is over
 */
public record StageDecision(
    Action action,
    Optional<Finding> trigger,
    Optional<Finding> notReady,
    Instant renewalTime,
    Instant nextAttempt) {

  /** The outcomes. */
  public enum Action {
    /** The Secret is good and not due: nothing to do until the renewal time. */
    KEEP,
    /**
     * The Secret is good and not due, but its recorded expiration or renewal time annotations
     * disagree with what it holds (edited, or renewBefore changed): rewrite them, no STS call.
     */
    REPAIR,
    /** Call STS and write the Secret; {@link StageDecision#trigger()} says why. */
    ISSUE,
    /** STS would be called, but the last attempt failed and its wait is not over. */
    WAIT,
    /** A Secret with the stage's name exists and is not ours: never touch it. */
    CONFLICT
  }

  public StageDecision {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(notReady, "notReady");
    boolean triggered =
        action == Action.ISSUE || action == Action.WAIT || action == Action.CONFLICT;
    if (triggered != trigger.isPresent()) {
      throw new IllegalArgumentException("a trigger is set exactly for ISSUE, WAIT and CONFLICT");
    }
  }

  /** Whether the Secret holds credentials that are good for the current spec now. */
  public boolean ready() {
    return notReady.isEmpty();
  }

  /**
   * The reason an issue for {@code trigger} succeeds with: renewed when it was due or expired,
   * restored when it was edited or deleted after holding credentials, issued otherwise.
   */
  public static Reason issuedReason(Finding trigger, LastAttempt last) {
    return switch (trigger.reason()) {
      case RenewalDue, Expired -> Reason.CredentialsRenewed;
      case SecretEdited -> Reason.SecretRestored;
      case SecretMissing ->
          last.heldCredentials() ? Reason.SecretRestored : Reason.CredentialsIssued;
      default -> Reason.CredentialsIssued;
    };
  }
}
