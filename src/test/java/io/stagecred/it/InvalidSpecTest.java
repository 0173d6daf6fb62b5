package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitEvent;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad specs that pass the CRD schema get an answer naming the field, through the real operator on
 * the real API server: a Ready=False InvalidSpec condition and a Warning event, while the operator
 * keeps serving other resources and an existing Secret is left as it was.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class InvalidSpecTest {

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  /**
   * Specs the CRD schema accepts but the operator cannot serve: rules across fields that the schema
   * does not express. What the schema refuses is proven in {@link CrdOnRealServerTest}.
   */
  static Stream<Arguments> badSpecs() {
    return Stream.of(
        bad(
            "renewBefore beyond lifetime",
            "spec.renewBefore",
            dc -> dc.getSpec().setRenewBefore("2h")),
        bad(
            "externalId without chaining",
            "spec.stages[0].externalId",
            dc -> dc.getSpec().getStages().get(0).setExternalId("orders-prod")),
        bad(
            "session tags without chaining",
            "spec.stages[0].sessionTags",
            dc -> dc.getSpec().getStages().get(0).setSessionTags(Map.of("team", "orders"))),
        bad(
            "chained lifetime above one hour",
            "spec.durationSeconds",
            dc -> {
              dc.getSpec().getIdentity().setSourceRoleArn("arn:aws:iam::111111111111:role/ci-base");
              dc.getSpec().setDurationSeconds(7200);
            }),
        bad(
            "audience without a service account",
            "spec.identity.audience",
            dc -> {
              dc.getSpec().getIdentity().setServiceAccountName(null);
              dc.getSpec().getIdentity().setAudience("sts.amazonaws.com");
            }),
        bad(
            "Secret names longer than 253 characters",
            "spec.secretNamePrefix",
            dc -> {
              dc.getSpec().setSecretNamePrefix("a".repeat(190));
              dc.getSpec().getStages().get(0).setName("b".repeat(63));
            }));
  }

  private static Arguments bad(String name, String field, Consumer<DeploymentCredential> breakIt) {
    return Arguments.of(name, field, breakIt);
  }

  @ParameterizedTest(name = "{0} is answered on {1}")
  @MethodSource("badSpecs")
  void badSpecIsAnsweredByAConditionNamingTheField(
      String name, String field, Consumer<DeploymentCredential> breakIt) {
    String ns = Fixtures.uniqueNamespace("invalid");
    Fixtures.namespaceWithServiceAccount(client, ns, "deployer");
    DeploymentCredential dc =
        Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", DEV_ROLE));
    breakIt.accept(dc);
    client.resource(dc).create();

    DeploymentCredential answered = awaitReady(client, ns, "app", "False", "InvalidSpec");
    String message = OperatorTestSupport.ready(answered).orElseThrow().getMessage();
    assertThat(message).as(name).contains(field);
    List<Event> events = awaitEvent(client, ns, "InvalidSpec");
    assertThat(events).anySatisfy(e -> assertThat(e.getMessage()).contains(field));
    assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void breakingAWorkingResourceKeepsItsSecretAndOthersUnaffected() {
    String ns = Fixtures.uniqueNamespace("break");
    Fixtures.namespaceWithServiceAccount(client, ns, "deployer");
    world
        .sts()
        .allowWebIdentity(
            DEV_ROLE, "system:serviceaccount:" + ns + ":deployer", "sts.amazonaws.com");
    client
        .resource(Fixtures.resource(ns, "good", "deployer", Fixtures.stage("dev", DEV_ROLE)))
        .create();
    client
        .resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", DEV_ROLE)))
        .create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    Secret before = client.secrets().inNamespace(ns).withName("app-dev").get();

    DeploymentCredential current = get(client, ns, "app");
    current.getSpec().setRenewBefore("2h");
    client.resource(current).update();
    awaitReady(client, ns, "app", "False", "InvalidSpec");

    Secret after = client.secrets().inNamespace(ns).withName("app-dev").get();
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    awaitReady(client, ns, "good", "True", "CredentialsIssued");

    current = get(client, ns, "app");
    current.getSpec().setRenewBefore(null);
    client.resource(current).update();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
  }
}
