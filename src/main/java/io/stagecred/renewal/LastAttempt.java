package io.stagecred.renewal;

import io.stagecred.api.Reason;
import java.time.Instant;

/**
 * What the stage's status says about the previous pass, read back on the next one.
 *
 * @param reason the stage's reason then (null: none)
 * @param message the stage's message then
 * @param failures consecutive failed attempts (0: the last attempt succeeded)
 * @param lastFailure when the last attempt failed (null: none)
 * @param nextAttempt when the failed stage may be tried again (null: any time)
 * @param basis {@link StageInput#basis()} when the last attempt failed: while it is unchanged the
 *     stage waits for {@code nextAttempt}
 * @param heldCredentials whether the stage has held credentials before (a Secret that disappears
 *     afterwards is restored, not issued)
 */
public record LastAttempt(
    Reason reason,
    String message,
    int failures,
    Instant lastFailure,
    Instant nextAttempt,
    String basis,
    boolean heldCredentials) {

  /** Nothing known: a stage seen for the first time. */
  public static final LastAttempt NONE = new LastAttempt(null, null, 0, null, null, null, false);
}
