package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A resource the Java model cannot read (stored while a permissive schema was installed: an older
 * CRD, a schema bypass, a future field) is one tenant's problem: it gets InvalidSpec naming the
 * field, the operator stays healthy and goes on serving everyone else. The real API server prunes
 * and type-checks against the installed schema, so the test installs a permissive one for a moment.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class PoisonResourceTest {

  private static final ResourceDefinitionContext DCRED =
      new ResourceDefinitionContext.Builder()
          .withGroup("stagecred.io")
          .withVersion("v1alpha1")
          .withPlural("deploymentcredentials")
          .withKind("DeploymentCredential")
          .withNamespaced(true)
          .build();

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;
  @Inject Operator operator;

  @Test
  void aResourceTheModelCannotReadIsAnsweredAndTheOthersAreServed() {
    String ns = Fixtures.trustedNamespace(client, world, "poison", DEV_ROLE);
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
      replaceSchema(schema);
      GenericKubernetesResource poison =
          new GenericKubernetesResourceBuilder()
              .withApiVersion("stagecred.io/v1alpha1")
              .withKind("DeploymentCredential")
              .withNewMetadata()
              .withName("poison")
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
                              Map.of(
                                  "name", "dev", "roleArn", DEV_ROLE, "durationSeconds", "abc")))))
              .build();
      client.genericKubernetesResources(DCRED).inNamespace(ns).resource(poison).create();
    } finally {
      schema.getProperties().put("spec", strictSpec);
      replaceSchema(schema);
      // The garbage collector re-learns a changed CRD only at its periodic rediscovery; until then
      // it would not collect the dependents of these resources (tests after this one rely on it).
      world.kubernetes().restartControllerManager();
    }

    DeploymentCredential answered = awaitReady(client, ns, "poison", "False", "InvalidSpec");
    assertThat(ready(answered).orElseThrow().getMessage())
        .contains("spec.stages[0].durationSeconds")
        .doesNotContain("abc");
    // A hundred resources next to it are all served.
    for (int i = 0; i < 100; i++) {
      client
          .resource(Fixtures.resource(ns, "app-" + i, "deployer", Fixtures.stage("dev", DEV_ROLE)))
          .create();
    }
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(DeploymentCredential.class)
                            .inNamespace(ns)
                            .list()
                            .getItems())
                    .filteredOn(dc -> !"poison".equals(dc.getMetadata().getName()))
                    .hasSize(100)
                    .allSatisfy(
                        dc -> assertThat(ready(dc).map(c -> c.getStatus())).contains("True")));
    assertThat(operator.getRuntimeInfo().allEventSourcesAreHealthy())
        .as("the informers keep watching")
        .isTrue();
    assertThat(client.secrets().inNamespace(ns).withName("poison-dev").get()).isNull();
  }

  private void replaceSchema(JSONSchemaProps schema) {
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
