package io.stagecred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.stagecred.inject.InjectAnnotations;
import io.stagecred.webhook.WebhookLauncher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/**
 * deploy/webhook.yaml and deploy/deployment.yaml agree with each other and with the operator's
 * webhook defaults: a copy-paste slip in either would leave the API server calling a port, path or
 * Service nobody serves, or the webhook injecting an image other than the operator's own.
 */
class WebhookManifestsTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static List<JsonNode> documents(String file) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    YAML.readerFor(JsonNode.class)
        .<JsonNode>readValues(Path.of(file).toFile())
        .forEachRemaining(docs::add);
    return docs;
  }

  private static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream()
        .filter(d -> kind.equals(d.path("kind").asText()))
        .findFirst()
        .orElseThrow();
  }

  private static JsonNode operatorContainer() throws IOException {
    return kind(documents("deploy/deployment.yaml"), "Deployment")
        .at("/spec/template/spec/containers/0");
  }

  private static String env(JsonNode container, String name) {
    return StreamSupport.stream(container.path("env").spliterator(), false)
        .filter(e -> name.equals(e.path("name").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " is not set"))
        .toString();
  }

  @Test
  void theInjectedSidecarIsTheOperatorsOwnImage() throws IOException {
    JsonNode container = operatorContainer();
    assertThat(
            YAML.readTree(env(container, "STAGECRED_WEBHOOK_SIDECAR_IMAGE")).path("value").asText())
        .isEqualTo(container.path("image").asText());
  }

  @Test
  void theServiceReachesTheOperatorsWebhookPort() throws IOException {
    List<JsonNode> webhook = documents("deploy/webhook.yaml");
    JsonNode service = kind(webhook, "Service");
    JsonNode deployment = kind(documents("deploy/deployment.yaml"), "Deployment");
    JsonNode podLabels = deployment.at("/spec/template/metadata/labels");
    service
        .at("/spec/selector")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(podLabels.path(e.getKey()).asText())
                    .as(e.getKey())
                    .isEqualTo(e.getValue().asText()));
    String target = service.at("/spec/ports/0/targetPort").asText();
    JsonNode port =
        StreamSupport.stream(
                deployment.at("/spec/template/spec/containers/0/ports").spliterator(), false)
            .filter(p -> target.equals(p.path("name").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no container port named " + target));
    assertThat(port.path("containerPort").asInt())
        .as("stagecred.webhook.port's default")
        .isEqualTo(8443);
    assertThat(env(operatorContainer(), "POD_NAMESPACE")).contains("metadata.namespace");

    JsonNode config = kind(webhook, "MutatingWebhookConfiguration");
    assertThat(config.at("/metadata/name").asText())
        .as("stagecred.webhook.tls.configuration")
        .isEqualTo("stagecred");
    for (JsonNode hook : config.path("webhooks")) {
      JsonNode ref = hook.at("/clientConfig/service");
      assertThat(ref.path("name").asText())
          .isEqualTo(service.at("/metadata/name").asText())
          .isEqualTo("stagecred-webhook");
      assertThat(ref.path("namespace").asText())
          .isEqualTo(service.at("/metadata/namespace").asText());
      assertThat(ref.path("port").asInt()).isEqualTo(service.at("/spec/ports/0/port").asInt());
      assertThat(ref.path("path").asText()).isEqualTo(WebhookLauncher.PATH);
      assertThat(hook.path("clientConfig").has("caBundle"))
          .as("the operator writes caBundle")
          .isFalse();
    }
  }

  @Test
  void onlyOptedInPodsOutsideTheSystemNamespacesAreSent() throws IOException {
    JsonNode hook =
        kind(documents("deploy/webhook.yaml"), "MutatingWebhookConfiguration").at("/webhooks/0");
    assertThat(YAML.convertValue(hook.at("/objectSelector/matchLabels"), Map.class))
        .isEqualTo(Map.of(InjectAnnotations.LABEL, "true"));
    assertThat(hook.at("/namespaceSelector/matchExpressions").toString())
        .contains("kube-system", Installation.NAMESPACE, "\"disabled\"");
    assertThat(hook.at("/rules/0/operations").toString()).isEqualTo("[\"CREATE\"]");
    assertThat(hook.at("/rules/0/resources").toString()).isEqualTo("[\"pods\"]");
    assertThat(hook.path("failurePolicy").asText()).isEqualTo("Fail");
    assertThat(hook.path("sideEffects").asText()).isEqualTo("None");
  }
}
