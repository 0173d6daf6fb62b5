package io.stagecred.sidecar;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.failure.Failure;
import io.stagecred.failure.KubernetesFailure;
import io.stagecred.failure.SpecFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads the DeploymentCredential the sidecar resolves its stage from: one {@code get} on the API
 * server, or a YAML file (several documents allowed, e.g. a ServiceAccount and the resource);
 * returns it or a failure naming the cause and the fix.
 */
public final class Definitions {

  /** A YAML document separator line. */
  private static final Pattern SEPARATOR = Pattern.compile("(?m)^---[ \\t]*(#.*)?$");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private Definitions() {}

  /** The resource (and the namespace it lives in) or a failure; {@code described} is for logs. */
  public record Loaded(
      DeploymentCredential resource, String namespace, String described, Failure failure) {

    static Loaded failed(Failure failure) {
      return new Loaded(null, null, null, failure);
    }
  }

  /** Reads {@code namespace/name} with one {@code get}: the only API call the sidecar makes. */
  public static Loaded fromCluster(KubernetesClient client, String namespace, String name) {
    String described = "DeploymentCredential " + namespace + "/" + name;
    try {
      DeploymentCredential resource =
          client.resources(DeploymentCredential.class).inNamespace(namespace).withName(name).get();
      if (resource == null) {
        return Loaded.failed(
            new SpecFailure(
                "NotFound",
                described
                    + " does not exist. Fix: create it, or set STAGECRED_DEPLOYMENT_CREDENTIAL to an"
                    + " existing one in namespace "
                    + namespace));
      }
      return new Loaded(resource, namespace, described, null);
    } catch (KubernetesClientException e) {
      return switch (e.getCode()) {
        case 401, 403 ->
            Loaded.failed(
                new KubernetesFailure(
                    false,
                    "Forbidden",
                    "the API server refused to let this pod read "
                        + described
                        + " ("
                        + e.getCode()
                        + "). Fix: bind the pod's service account to a Role granting 'get' on"
                        + " deploymentcredentials.stagecred.io named "
                        + name
                        + " (see deploy/examples/sidecar-rbac.yaml) and mount its token"));
        default ->
            Loaded.failed(
                new KubernetesFailure(
                    true,
                    "KubernetesApiError",
                    "cannot read "
                        + described
                        + ": the API server "
                        + (e.getCode() > 0 ? "answered " + e.getCode() : "could not be reached")
                        + "; retrying"));
      };
    }
  }

  /** Reads the only DeploymentCredential in {@code file}. */
  public static Loaded fromFile(Path file, String defaultNamespace) {
    String described = "STAGECRED_DEFINITION_FILE " + file;
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return Loaded.failed(
          new SpecFailure(
              "DefinitionUnreadable",
              "cannot read "
                  + described
                  + " ("
                  + e.getClass().getSimpleName()
                  + "). Fix: mount the file (e.g. from a ConfigMap) at that path"));
    }
    List<DeploymentCredential> found = new ArrayList<>();
    try {
      for (String document : SEPARATOR.split(text)) {
        if (document.isBlank()) {
          continue;
        }
        GenericKubernetesResource generic =
            SERIALIZATION.unmarshal(document, GenericKubernetesResource.class);
        if (generic != null && "DeploymentCredential".equals(generic.getKind())) {
          found.add(SERIALIZATION.unmarshal(document, DeploymentCredential.class));
        }
      }
    } catch (RuntimeException e) {
      // The parser's message quotes the offending input, which may be anything; keep it out.
      return Loaded.failed(
          new SpecFailure(
              "DefinitionUnparsable",
              described
                  + " is not valid Kubernetes YAML. Fix: check it with kubectl apply --dry-run"));
    }
    if (found.size() != 1) {
      return Loaded.failed(
          new SpecFailure(
              "DefinitionAmbiguous",
              described
                  + " holds "
                  + found.size()
                  + " DeploymentCredential documents. Fix: keep exactly one (kind:"
                  + " DeploymentCredential, apiVersion: stagecred.io/v1alpha1) in the file"));
    }
    DeploymentCredential resource = found.get(0);
    String namespace =
        resource.getMetadata() != null && resource.getMetadata().getNamespace() != null
            ? resource.getMetadata().getNamespace()
            : defaultNamespace;
    return new Loaded(resource, namespace, described, null);
  }
}
