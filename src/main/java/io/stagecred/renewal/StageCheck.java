package io.stagecred.renewal;

import io.stagecred.renewal.StageDecision.Action;
import io.stagecred.renewal.StageDecision.Cause;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The ordered chain of small checks behind {@link RenewalPolicy#decide}: each reads the facts and
 * the current time and returns a decision when it applies. The first check that applies wins; order
 * matters (a Secret that is not ours is never examined further, and the cheapest-to-explain cause
 * is reported).
 */
public enum StageCheck {

  /** No Secret with the stage's name exists: issue (first issue, or restore after a deletion). */
  SECRET_MISSING {
    @Override
    Optional<StageDecision> apply(StageFacts f, Instant now) {
      return f.secretExists()
          ? Optional.empty()
          : issue(Cause.MISSING, "the Secret does not exist");
    }
  },

  /**
   * The Secret exists and this resource does not own it: someone else's Secret. Never overwrite it;
   * this guards against a resource naming a Secret another team already uses.
   */
  SECRET_NOT_OWNED {
    @Override
    Optional<StageDecision> apply(StageFacts f, Instant now) {
      return f.ownedByResource()
          ? Optional.empty()
          : Optional.of(
              new StageDecision(
                  Action.CONFLICT,
                  null,
                  this,
                  "a Secret with this name exists and is not owned by this DeploymentCredential; it"
                      + " is left alone. Fix: delete or rename that Secret, or set"
                      + " spec.secretNamePrefix"));
    }
  },

  /**
   * The Secret's data no longer matches its checksum annotation (edited by hand, or annotations
   * lost): restore it, since its content, expiration and fingerprint can no longer be trusted.
   */
  SECRET_EDITED {
    @Override
    Optional<StageDecision> apply(StageFacts f, Instant now) {
      return f.contentIntact()
          ? Optional.empty()
          : issue(
              Cause.EDITED, "the Secret's data does not match its checksum annotation (edited)");
    }
  },

  /**
   * The fingerprint of the spec the Secret was issued for differs from the current one (role,
   * region, lifetime, identity, ...). A missing recorded fingerprint counts as different.
   */
  SPEC_CHANGED {
    @Override
    Optional<StageDecision> apply(StageFacts f, Instant now) {
      return Objects.equals(f.recordedFingerprint(), f.desiredFingerprint())
          ? Optional.empty()
          : issue(
              Cause.SPEC_CHANGED, "the spec for this stage changed since the Secret was issued");
    }
  },

  /**
   * The recorded expiration has passed, or is unknown (treated as expired: nothing proves
   * otherwise).
   */
  EXPIRED {
    @Override
    Optional<StageDecision> apply(StageFacts f, Instant now) {
      Instant exp = f.recordedExpiration();
      if (exp == null) {
        return issue(Cause.EXPIRED, "the Secret records no expiration");
      }
      return now.isBefore(exp)
          ? Optional.empty()
          : issue(Cause.EXPIRED, "the credentials expired at " + exp);
    }
  },

  /** The recorded renewal time has come, or is unknown (renew now rather than risk expiry). */
  RENEWAL_DUE {
    @Override
    Optional<StageDecision> apply(StageFacts f, Instant now) {
      Instant due = f.recordedRenewalTime();
      if (due == null) {
        return issue(Cause.RENEWAL_DUE, "the Secret records no renewal time");
      }
      return now.isBefore(due)
          ? Optional.empty()
          : issue(Cause.RENEWAL_DUE, "the renewal time " + due + " has come");
    }
  };

  /** The decision when this check applies, else empty. */
  abstract Optional<StageDecision> apply(StageFacts facts, Instant now);

  Optional<StageDecision> issue(Cause cause, String message) {
    return Optional.of(new StageDecision(Action.ISSUE, cause, this, message));
  }
}
