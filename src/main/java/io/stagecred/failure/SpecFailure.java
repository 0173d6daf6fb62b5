package io.stagecred.failure;

import io.stagecred.api.Reason;
import java.util.Objects;

/**
 * The definition says something that cannot be issued (an invalid field, a stage it does not
 * resolve, a missing or unreadable definition): {@link Reason#InvalidSpec}, terminal until it is
 * fixed. {@code code} names the kind, e.g. {@code InvalidSpec} or {@code NotFound}.
 */
public record SpecFailure(String code, String message) implements Failure {

  public SpecFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /** An invalid spec, code {@code InvalidSpec}. */
  public static SpecFailure invalid(String message) {
    return new SpecFailure("InvalidSpec", message);
  }

  @Override
  public Reason reason() {
    return Reason.InvalidSpec;
  }

  @Override
  public boolean transientFailure() {
    return false;
  }
}
