package io.stagecred.failure;

import io.stagecred.api.Reason;
import java.util.Objects;

/**
 * The DeploymentCredential a sidecar resolves its stage from could not be read from the API server
 * (refused, unreachable): {@link Reason#KubernetesApiError}. Transient when the API server may
 * answer later, terminal when it refused.
 */
public record DefinitionFailure(boolean transientFailure, String code, String message)
    implements Failure {

  public DefinitionFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public Reason reason() {
    return Reason.KubernetesApiError;
  }
}
