package io.stagecred.renewal;

import java.time.Instant;

/**
 * What the operator knows about one stage's Secret without calling STS (read from the Secret and
 * its annotations); the input of {@link RenewalPolicy#decide}.
 *
 * @param secretExists whether a Secret with the stage's name exists
 * @param ownedByResource whether that Secret has this resource as its controller owner
 * @param contentIntact whether the checksum annotation matches the Secret's data
 * @param recordedFingerprint fingerprint annotation of the spec the Secret was issued for (null:
 *     none)
 * @param desiredFingerprint fingerprint of the current spec for this stage
 * @param recordedExpiration expiration annotation (null: missing or unreadable)
 * @param recordedRenewalTime renewal-time annotation (null: missing or unreadable)
 */
public record StageFacts(
    boolean secretExists,
    boolean ownedByResource,
    boolean contentIntact,
    String recordedFingerprint,
    String desiredFingerprint,
    Instant recordedExpiration,
    Instant recordedRenewalTime) {

  /** Facts for a stage whose Secret does not exist yet. */
  public static StageFacts missing(String desiredFingerprint) {
    return new StageFacts(false, false, false, null, desiredFingerprint, null, null);
  }
}
