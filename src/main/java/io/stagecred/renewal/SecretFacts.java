package io.stagecred.renewal;

import java.time.Instant;

/**
 * What an existing stage Secret holds, read without calling STS.
 *
 * @param owned whether this resource is the Secret's controller owner
 * @param intact whether the seal annotation matches the data and the issue time (nobody edited
 *     either)
 * @param fingerprint the spec fingerprint the Secret was issued for (null: none recorded)
 * @param issuedAt when the credentials were issued (sealed annotation; null: unreadable)
 * @param expiration the expiration written in the credential data itself (null: unreadable)
 * @param recordedExpiration the expiration annotation, which anyone can edit (null: unreadable)
 * @param recordedRenewalTime the renewal-time annotation, likewise
 * @param assumedRoleArn the assumed-role ARN annotation, for status
 * @param version the Secret's resourceVersion: changes with every write by anyone
 * @param labelled whether it carries stagecred's labels with the values stagecred writes (the
 *     Secret informer and users' selectors find it by them)
 */
public record SecretFacts(
    boolean owned,
    boolean intact,
    String fingerprint,
    Instant issuedAt,
    Instant expiration,
    Instant recordedExpiration,
    Instant recordedRenewalTime,
    String assumedRoleArn,
    String version,
    boolean labelled) {}
