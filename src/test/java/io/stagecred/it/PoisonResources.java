package io.stagecred.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Stores a DeploymentCredential the Java model cannot read ({@code durationSeconds: "abc"}) on the
 * real API server, which prunes and type-checks against the installed schema: a permissive schema
 * is installed for the moment of the write, as an older CRD, a schema bypass or a future field
 * would leave such a resource behind.
 */
final class PoisonResources {

  private static final ResourceDefinitionContext DCRED =
      new ResourceDefinitionContext.Builder()
          .withGroup("stagecred.io")
          .withVersion("v1alpha1")
          .withPlural("deploymentcredentials")
          .withKind("DeploymentCredential")
          .withNamespaced(true)
          .build();

  private PoisonResources() {}

  /**
   * Creates {@code ns/name} with one stage "dev" of {@code role} whose duration is not a number.
   */
  static void create(KubernetesClient client, World world, String ns, String name, String role) {
    CustomResourceDefinition crd =
        client.apiextensions().v1().customResourceDefinitions().withName(Installation.CRD).get();
    JSONSchemaProps schema = crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    JSONSchemaProps strictSpec = schema.getProperties().get("spec");
    try {
      schema
          .getProperties()
          .put(
              "spec",
              new JSONSchemaPropsBuilder()
                  .withType("object")
                  .withXKubernetesPreserveUnknownFields(true)
                  .build());
      replaceSchema(client, schema);
      GenericKubernetesResource poison =
          new GenericKubernetesResourceBuilder()
              .withApiVersion("stagecred.io/v1alpha1")
              .withKind("DeploymentCredential")
              .withNewMetadata()
              .withName(name)
              .withNamespace(ns)
              .endMetadata()
              .withAdditionalProperties(
                  Map.of(
                      "spec",
                      Map.of(
                          "region",
                          "us-east-1",
                          "identity",
                          Map.of("serviceAccountName", "deployer"),
                          "stages",
                          List.of(
                              Map.of("name", "dev", "roleArn", role, "durationSeconds", "abc")))))
              .build();
      // The API server switches to a replaced schema a moment after the update returns.
      await("the permissive schema to take effect")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsMatching(
              e -> e instanceof KubernetesClientException k && k.getCode() == 422)
          .until(
              () ->
                  client.genericKubernetesResources(DCRED).inNamespace(ns).resource(poison).create()
                      != null);
    } finally {
      schema.getProperties().put("spec", strictSpec);
      replaceSchema(client, schema);
      // The garbage collector re-learns a changed CRD only at its periodic rediscovery; until then
      // it would not collect the dependents of these resources (tests after this rely on it).
      world.kubernetes().restartControllerManager();
    }
  }

  private static void replaceSchema(KubernetesClient client, JSONSchemaProps schema) {
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(Installation.CRD)
        .edit(
            c -> {
              c.getSpec().getVersions().get(0).getSchema().setOpenAPIV3Schema(schema);
              return c;
            });
  }
}
