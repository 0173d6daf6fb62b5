package io.stagecred.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stagecred.config.TestConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorLauncherTest {

  private static List<String> problems(Map<String, String> env) {
    return OperatorLauncher.startupProblems(TestConfig.fromEnv(env));
  }

  @Test
  void wellFormedGrantsStart() {
    assertThat(problems(Map.of())).isEmpty();
    assertThat(
            problems(
                Map.of(
                    "STAGECRED_OPERATOR_IDENTITY_GRANTS",
                    "ci-*=arn:aws:iam::111111111111:role/deploy-*,shared=*")))
        .isEmpty();
  }

  @Test
  void theRemovedCrossProductSettingsStopTheStartNamingTheReplacement() {
    assertThat(problems(Map.of("STAGECRED_OPERATOR_IDENTITY_ALLOWED_NAMESPACES", "ci")))
        .singleElement()
        .asString()
        .contains("STAGECRED_OPERATOR_IDENTITY_ALLOWED_NAMESPACES")
        .contains("STAGECRED_OPERATOR_IDENTITY_GRANTS");
    assertThat(problems(Map.of("STAGECRED_OPERATOR_IDENTITY_ALLOWED_ROLE_ARNS", "*"))).hasSize(1);
  }

  @Test
  void timingThatCannotBeUsedStopsTheStartNamingTheVariable() {
    assertThat(problems(Map.of("STAGECRED_RENEWAL_RETRY_INITIAL", "abc")))
        .singleElement()
        .asString()
        .startsWith("STAGECRED_RENEWAL_RETRY_INITIAL (stagecred.renewal.retry-initial)='abc'");
    assertThat(problems(Map.of("STAGECRED_RENEWAL_JITTER_MAX", "-5s")))
        .singleElement()
        .asString()
        .contains("STAGECRED_RENEWAL_JITTER_MAX")
        .contains("zero or more");
    assertThat(
            problems(
                Map.of(
                    "STAGECRED_RENEWAL_RETRY_MAX", "1s", "STAGECRED_RENEWAL_RETRY_INITIAL", "5s")))
        .singleElement()
        .asString()
        .contains("shorter than");
  }

  @Test
  void webhookSettingsThatCannotWorkStopTheStartNamingTheVariable() {
    assertThat(problems(Map.of("STAGECRED_WEBHOOK_PORT", "70000")))
        .singleElement()
        .asString()
        .contains("STAGECRED_WEBHOOK_PORT");
    assertThat(problems(Map.of("STAGECRED_WEBHOOK_TLS_CA_OVERLAP", "200d")))
        .singleElement()
        .asString()
        .contains("STAGECRED_WEBHOOK_TLS_CA_OVERLAP")
        .contains("shorter than a third of stagecred.webhook.tls.ca-validity");
    assertThat(
            problems(
                Map.of(
                    "STAGECRED_WEBHOOK_TLS_CERTIFICATE_VALIDITY", "9000h",
                    "STAGECRED_WEBHOOK_TLS_CHECK_INTERVAL", "0s")))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("cannot outlive the CA"))
        .anySatisfy(p -> assertThat(p).contains("STAGECRED_WEBHOOK_TLS_CHECK_INTERVAL"));
    assertThat(problems(Map.of("STAGECRED_WEBHOOK_TLS_IP_ADDRESSES", "127.0.0.1,webhook.local")))
        .singleElement()
        .asString()
        .contains("'webhook.local', which is not an IP address");
    assertThat(
            problems(Map.of("STAGECRED_WEBHOOK_PORT", "0", "STAGECRED_WEBHOOK_ENABLED", "false")))
        .as("a disabled webhook's settings are not read")
        .isEmpty();
  }

  @Test
  void aMalformedGrantStopsTheStartNamingTheEntry() {
    assertThat(
            problems(Map.of("STAGECRED_OPERATOR_IDENTITY_GRANTS", "ci=arn:aws:iam::1:role/x,oops")))
        .singleElement()
        .asString()
        .contains("'oops'");
  }

  @Test
  void theShippedDeploymentStarts() throws Exception {
    // deploy/deployment.yaml's literal variables pass the checks the operator makes at startup.
    Deployment deployment =
        new KubernetesSerialization()
            .unmarshal(Files.readString(Path.of("deploy/deployment.yaml")), Deployment.class);
    Map<String, String> env = new HashMap<>();
    deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getValue() != null)
        .forEach(e -> env.put(e.getName(), e.getValue()));
    assertThat(env).containsKey("STAGECRED_OPERATOR_IDENTITY_GRANTS");
    assertThat(problems(env)).isEmpty();
  }
}
