package io.stagecred.renewal;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the renewal decision for one concrete stage reads, gathered once per pass.
 *
 * @param secret the stage's Secret, if one exists under its name
 * @param desiredFingerprint the fingerprint of the current spec for this stage
 * @param renewBefore the spec's renewBefore (empty: the default)
 * @param jitterKey spreads renewals and retries of different stages, e.g. namespace/name/stage
 * @param last what the status said after the previous pass
 * @param now the time of this pass
 */
public record StageInput(
    String stage,
    Optional<SecretFacts> secret,
    String desiredFingerprint,
    Optional<Duration> renewBefore,
    String jitterKey,
    LastAttempt last,
    Instant now) {

  public StageInput {
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(desiredFingerprint, "desiredFingerprint");
    Objects.requireNonNull(renewBefore, "renewBefore");
    Objects.requireNonNull(last, "last");
    Objects.requireNonNull(now, "now");
  }

  /**
   * What a failed attempt is remembered against: the stage's spec (including its identity) and the
   * version of its Secret. When either changes, the stage is tried again without waiting.
   */
  public String basis() {
    return desiredFingerprint + "/" + secret.map(SecretFacts::version).orElse("none");
  }
}
