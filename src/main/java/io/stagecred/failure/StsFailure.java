package io.stagecred.failure;

import io.stagecred.api.Reason;
import java.util.Objects;

/**
 * A classified STS failure: the reason for status and events, whether retrying soon can help, the
 * AWS error code (or the client-side exception's name) and a redacted message that names the cause
 * and fix.
 */
public record StsFailure(Reason reason, boolean transientFailure, String code, String message)
    implements Failure {

  public StsFailure {
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }
}
