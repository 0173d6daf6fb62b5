package io.stagecred.failure;

import io.stagecred.api.Reason;
import java.util.Objects;

/**
 * No web-identity token could be had (token file missing, TokenRequest refused, service account
 * missing): {@link Reason#IdentityUnavailable}, retried with backoff since the fix is usually a
 * moment away (a service account being created, a volume being mounted).
 */
public record IdentityFailure(String message) implements Failure {

  public IdentityFailure {
    Objects.requireNonNull(message, "message");
  }

  @Override
  public Reason reason() {
    return Reason.IdentityUnavailable;
  }

  @Override
  public boolean transientFailure() {
    return true;
  }

  @Override
  public String code() {
    return "IdentityUnavailable";
  }
}
