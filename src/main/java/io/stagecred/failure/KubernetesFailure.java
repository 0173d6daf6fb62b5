package io.stagecred.failure;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagecred.api.Reason;
import java.util.Objects;
import java.util.Optional;

/**
 * The Kubernetes API refused or failed a request (the sidecar reading its definition, the
 * operator's reconciliation): {@link Reason#KubernetesApiError}. Transient when the API server may
 * answer later, terminal when it refused.
 */
public record KubernetesFailure(boolean transientFailure, String code, String message)
    implements Failure {

  public KubernetesFailure {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
  }

  /**
   * The failure of {@code doing} (e.g. "reconciliation") when {@code thrown} or one of its causes
   * is a Kubernetes client exception (JOSDK's helpers wrap them), naming the HTTP code, never the
   * text, which can quote request content.
   */
  public static Optional<KubernetesFailure> of(Throwable thrown, String doing) {
    for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        return Optional.of(
            new KubernetesFailure(
                true,
                k.getCode() > 0 ? "HTTP" + k.getCode() : "Unreachable",
                doing
                    + " failed: the Kubernetes API "
                    + (k.getCode() > 0 ? "answered HTTP " + k.getCode() : "could not be reached")
                    + "; retrying with backoff"));
      }
    }
    return Optional.empty();
  }

  @Override
  public Reason reason() {
    return Reason.KubernetesApiError;
  }
}
