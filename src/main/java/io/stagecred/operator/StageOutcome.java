package io.stagecred.operator;

import io.stagecred.api.Reason;
import java.time.Instant;

/**
 * The result of one reconciliation for one concrete stage: what the stage's status should say and
 * when it needs attention next.
 *
 * @param ready whether the stage's Secret holds unexpired credentials for the current spec
 * @param changed whether this pass wrote the stage's Secret
 * @param nextAttempt when the stage must be looked at again (renewal or retry)
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
    boolean changed) {}
