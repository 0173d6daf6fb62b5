package io.stagecred.failure;

import io.stagecred.api.Reason;
import java.util.Objects;

/**
 * Something stagecred did not expect (a bug, or a library failing in a new way): {@link
 * Reason#InternalError} with the exception's class name, never its message (which could quote
 * anything, a token included) and never a guess at a cause. Retried with backoff.
 */
public record InternalFailure(String code, String message) implements Failure {

  public InternalFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** For an exception met while {@code doing} (e.g. "issuing stage dev"). */
  public static InternalFailure of(Throwable thrown, String doing) {
    String type = thrown == null ? "unknown error" : thrown.getClass().getName();
    return new InternalFailure(
        thrown == null ? "Unknown" : thrown.getClass().getSimpleName(),
        "unexpected "
            + type
            + " while "
            + doing
            + "; retrying with backoff. This is a stagecred bug. Fix: report it with the log of"
            + " the operator or sidecar");
  }

  @Override
  public Reason reason() {
    return Reason.InternalError;
  }

  @Override
  public boolean transientFailure() {
    return true;
  }
}
