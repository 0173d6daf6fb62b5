package io.stagecred.renewal;

import io.stagecred.api.Reason;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The named checks of the renewal decision, each a pure function of one {@link StageInput} (and the
 * renewal time computed from it). They run in two chains, first finding wins: {@link #READINESS}
 * (is what the Secret holds good for the current spec now?) and {@link #TRIGGERS} (must STS be
 * called now, and why?). Order matters: a Secret that is not ours is never examined further, and
 * the cause cheapest to explain is reported. Messages hold no timestamps, so that events about the
 * same cause aggregate (the times are status fields).
 */
public enum StageCheck {

  /** No Secret with the stage's name exists (first issue, or it was deleted). */
  SECRET_MISSING {
    @Override
    Optional<Finding> apply(StageInput in, Instant renewalTime) {
      return in.secret().isPresent()
          ? Optional.empty()
          : found(Reason.SecretMissing, "the Secret does not exist");
    }
  },

  /**
   * The Secret exists and this resource does not own it: someone else's Secret, never overwritten,
   * so a resource cannot take over a Secret another team uses.
   */
  SECRET_NOT_OWNED {
    @Override
    Optional<Finding> apply(StageInput in, Instant renewalTime) {
      return in.secret().orElseThrow().owned()
          ? Optional.empty()
          : found(
              Reason.SecretConflict,
              "a Secret with this name exists and is not owned by this DeploymentCredential, so"
                  + " it is left untouched. Fix: delete or rename that Secret, or set"
                  + " spec.secretNamePrefix");
    }
  },

  /**
   * The seal annotation does not match the data and issue time (edited, or annotations lost): the
   * content can no longer be trusted, so it is restored.
   */
  SECRET_EDITED {
    @Override
    Optional<Finding> apply(StageInput in, Instant renewalTime) {
      return in.secret().orElseThrow().intact()
          ? Optional.empty()
          : found(Reason.SecretEdited, "the Secret's data or issue time was changed by someone");
    }
  },

  /**
   * The fingerprint of the spec the Secret was issued for differs from the current one (role,
   * region, lifetime, identity, ...). A missing recorded fingerprint counts as different.
   */
  SPEC_CHANGED {
    @Override
    Optional<Finding> apply(StageInput in, Instant renewalTime) {
      return Objects.equals(in.secret().orElseThrow().fingerprint(), in.desiredFingerprint())
          ? Optional.empty()
          : found(Reason.SpecChanged, "the spec of this stage changed since it was issued");
    }
  },

  /**
   * The expiration written in the credentials has passed, or cannot be read (nothing proves them
   * valid).
   */
  EXPIRED {
    @Override
    Optional<Finding> apply(StageInput in, Instant renewalTime) {
      Instant exp = in.secret().orElseThrow().expiration();
      if (exp == null) {
        return found(Reason.Expired, "the Secret's credentials have no readable expiration");
      }
      return in.now().isBefore(exp)
          ? Optional.empty()
          : found(Reason.Expired, "the credentials have expired");
    }
  },

  /**
   * The renewal time computed from the issue time, the expiration and the current renewBefore has
   * come (or cannot be computed).
   */
  RENEWAL_DUE {
    @Override
    Optional<Finding> apply(StageInput in, Instant renewalTime) {
      if (renewalTime == null) {
        return found(Reason.RenewalDue, "the Secret records no readable issue time");
      }
      return in.now().isBefore(renewalTime)
          ? Optional.empty()
          : found(Reason.RenewalDue, "the renewal time has come");
    }
  };

  /** Is what the Secret holds good for the current spec at this moment? */
  public static final List<StageCheck> READINESS =
      List.of(SECRET_MISSING, SECRET_NOT_OWNED, SECRET_EDITED, SPEC_CHANGED, EXPIRED);

  /** Must STS be called now? Readiness, and then whether renewal is due. */
  public static final List<StageCheck> TRIGGERS =
      List.of(SECRET_MISSING, SECRET_NOT_OWNED, SECRET_EDITED, SPEC_CHANGED, EXPIRED, RENEWAL_DUE);

  /**
   * What this check finds, else empty. Checks after {@link #SECRET_MISSING} in a chain may assume
   * the Secret exists.
   */
  abstract Optional<Finding> apply(StageInput in, Instant renewalTime);

  /** The first finding of {@code chain}, else empty. */
  static Optional<Finding> first(List<StageCheck> chain, StageInput in, Instant renewalTime) {
    for (StageCheck check : chain) {
      Optional<Finding> finding = check.apply(in, renewalTime);
      if (finding.isPresent()) {
        return finding;
      }
    }
    return Optional.empty();
  }

  Optional<Finding> found(Reason reason, String message) {
    return Optional.of(new Finding(this, reason, message));
  }
}
