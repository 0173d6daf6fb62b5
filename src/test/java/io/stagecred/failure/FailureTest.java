package io.stagecred.failure;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.OperatorException;
import io.stagecred.api.Reason;
import org.junit.jupiter.api.Test;

class FailureTest {

  private static final String LEAKY = "token=eyJhbGciOiJSUzI1NiJ9.secret";

  @Test
  void aKubernetesErrorIsFoundUnderTheFrameworksWrappersAndNamedByItsCode() {
    Exception wrapped =
        new OperatorException(
            new RuntimeException(new KubernetesClientException(LEAKY, 503, null)));
    KubernetesFailure failure = KubernetesFailure.of(wrapped, "reconciliation").orElseThrow();
    assertThat(failure.reason()).isEqualTo(Reason.KubernetesApiError);
    assertThat(failure.transientFailure()).isTrue();
    assertThat(failure.code()).isEqualTo("HTTP503");
    assertThat(failure.message())
        .isEqualTo(
            "reconciliation failed: the Kubernetes API answered HTTP 503; retrying with backoff");
  }

  @Test
  void anUnreachableApiServerHasNoCode() {
    assertThat(
            KubernetesFailure.of(new KubernetesClientException(LEAKY), "reconciliation")
                .orElseThrow()
                .message())
        .contains("could not be reached")
        .doesNotContain("eyJ");
  }

  @Test
  void anythingElseIsAnInternalErrorNamedByItsClassNeverItsText() {
    IllegalStateException bug = new IllegalStateException(LEAKY);
    assertThat(KubernetesFailure.of(bug, "reconciliation")).isEmpty();
    InternalFailure failure = InternalFailure.of(bug, "reconciling");
    assertThat(failure.reason()).isEqualTo(Reason.InternalError);
    assertThat(failure.code()).isEqualTo("IllegalStateException");
    assertThat(failure.message())
        .contains("java.lang.IllegalStateException", "reconciling", "Fix")
        .doesNotContain("eyJ", "token=");
  }
}
