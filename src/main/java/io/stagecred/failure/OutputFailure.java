package io.stagecred.failure;

import io.stagecred.api.Reason;
import java.util.Objects;

/**
 * The sidecar could not write its credential files (the volume is missing or read-only): {@link
 * Reason#OutputUnwritable}, retried with backoff since a volume can appear later.
 */
public record OutputFailure(String message) implements Failure {

  public OutputFailure {
    Objects.requireNonNull(message, "message");
  }

  @Override
  public Reason reason() {
    return Reason.OutputUnwritable;
  }

  @Override
  public boolean transientFailure() {
    return true;
  }

  @Override
  public String code() {
    return "OutputUnwritable";
  }
}
