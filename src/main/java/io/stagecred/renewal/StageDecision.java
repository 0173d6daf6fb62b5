package io.stagecred.renewal;

import java.util.Objects;

/**
 * What to do with one stage now: keep it, issue credentials (and why), or leave a conflicting
 * Secret alone. Returned by {@link RenewalPolicy#decide}; {@code check} names the {@link
 * StageCheck} that decided.
 */
public record StageDecision(Action action, Cause cause, StageCheck check, String message) {

  /** The three outcomes. */
  public enum Action {
    /** The Secret is fresh and matches the spec: nothing to do until the renewal time. */
    KEEP,
    /** Call STS and write the Secret; {@link StageDecision#cause()} says why. */
    ISSUE,
    /**
     * A Secret with the target name exists and is not ours: never touch it, report SecretConflict.
     */
    CONFLICT
  }

  /** Why credentials are issued. */
  public enum Cause {
    /** No Secret exists for the stage (first issue, or it was deleted). */
    MISSING,
    /** The spec that matters for this stage changed since the Secret was issued. */
    SPEC_CHANGED,
    /** The renewal time has come. */
    RENEWAL_DUE,
    /** The credentials have expired (or the expiration is unknown). */
    EXPIRED,
    /** Someone edited the Secret's data; it is restored with fresh credentials. */
    EDITED
  }

  public StageDecision {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(message, "message");
    if ((action == Action.ISSUE) != (cause != null)) {
      throw new IllegalArgumentException("cause is set exactly when action is ISSUE");
    }
  }

  static StageDecision keep(String message) {
    return new StageDecision(Action.KEEP, null, null, message);
  }

  /** Whether STS must be called for this stage now. */
  public boolean issue() {
    return action == Action.ISSUE;
  }
}
