package io.stagecred.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.inject.Admission;
import io.stagecred.inject.PodPatch;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * admission.k8s.io/v1 AdmissionReview in and out: reads the request's pod and namespace, asks
 * {@link Admission}, and writes the response (a base64 JSON Patch when the pod changes, a 403 with
 * the message when it is denied, warnings either way).
 */
final class AdmissionReviews {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private AdmissionReviews() {}

  /** An answer and what it was, for the metric. */
  record Answer(String json, Admission.Result result) {}

  /**
   * Answers {@code body}; {@code lookup} finds a DeploymentCredential by namespace and name.
   *
   * @throws IllegalArgumentException when the body is no AdmissionReview of a pod
   */
  static Answer answer(
      String body,
      BiFunction<String, String, Optional<DeploymentCredential>> lookup,
      Admission.Settings settings) {
    JsonNode review = JSON.unmarshal(body, JsonNode.class);
    JsonNode request = review.path("request");
    String uid = request.path("uid").asText("");
    if (uid.isEmpty() || !request.path("object").isObject()) {
      throw new IllegalArgumentException("not an AdmissionReview request with an object");
    }
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    response.put("uid", uid);
    Admission.Outcome outcome;
    if (!"CREATE".equals(request.path("operation").asText())
        || !"Pod".equals(request.path("kind").path("kind").asText())) {
      outcome = Admission.Outcome.unchanged();
    } else {
      String namespace = request.path("namespace").asText("");
      Pod pod = JSON.convertValue(request.path("object"), Pod.class);
      try {
        outcome = Admission.decide(pod, namespace, name -> lookup.apply(namespace, name), settings);
      } catch (KubernetesClientException e) {
        outcome =
            Admission.Outcome.denied(
                "the operator could not read the pod's DeploymentCredential (the Kubernetes API"
                    + " answered HTTP "
                    + e.getCode()
                    + "); the pod is refused rather than started without credentials: create it"
                    + " again");
      }
    }
    response.put("allowed", outcome.allowed());
    if (!outcome.allowed()) {
      ObjectNode status = response.putObject("status");
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", outcome.message());
    } else if (!outcome.patch().isEmpty()) {
      response.put("patchType", "JSONPatch");
      response.put(
          "patch",
          Base64.getEncoder()
              .encodeToString(PodPatch.json(outcome.patch()).getBytes(StandardCharsets.UTF_8)));
    }
    if (!outcome.warnings().isEmpty()) {
      ArrayNode warnings = response.putArray("warnings");
      outcome.warnings().forEach(warnings::add);
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("apiVersion", "admission.k8s.io/v1");
    out.put("kind", "AdmissionReview");
    out.set("response", response);
    return new Answer(JSON.asJson(out), outcome.result());
  }
}
