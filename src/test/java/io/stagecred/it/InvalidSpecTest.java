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
import io.stagecred.api.IdentitySpec;
import jakarta.inject.Inject;
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
 * Bad specs get an answer naming the field, through the real operator: a Ready=False InvalidSpec
 * condition and a Warning event, while the operator keeps serving other resources and an existing
 * Secret is left as it was. (The mock API server does not enforce the CRD schema, so these reach
 * the operator exactly as they would if a cluster's schema let them through.)
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class InvalidSpecTest {

  @Inject KubernetesClient client;
  @InjectWorld World world;

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        bad("missing region", "spec.region", dc -> dc.getSpec().setRegion(null)),
        bad("malformed region", "spec.region", dc -> dc.getSpec().setRegion("US East")),
        bad("no stages", "spec.stages", dc -> dc.getSpec().setStages(List.of())),
        bad(
            "stage without name",
            "spec.stages[0].name",
            dc -> dc.getSpec().getStages().get(0).setName(null)),
        bad(
            "upper-case stage name",
            "spec.stages[0].name",
            dc -> dc.getSpec().getStages().get(0).setName("Dev")),
        bad(
            "duplicate stage names",
            "spec.stages[1].name",
            dc -> dc.getSpec().getStages().add(Fixtures.stage("dev", DEV_ROLE))),
        bad(
            "missing role",
            "spec.stages[0].roleArn",
            dc -> dc.getSpec().getStages().get(0).setRoleArn(null)),
        bad(
            "user ARN instead of role",
            "spec.stages[0].roleArn",
            dc -> dc.getSpec().getStages().get(0).setRoleArn("arn:aws:iam::111111111111:user/bob")),
        bad(
            "lifetime too short",
            "spec.durationSeconds",
            dc -> dc.getSpec().setDurationSeconds(60)),
        bad(
            "stage lifetime too long",
            "spec.stages[0].durationSeconds",
            dc -> dc.getSpec().getStages().get(0).setDurationSeconds(50000)),
        bad(
            "unparseable renewBefore",
            "spec.renewBefore",
            dc -> dc.getSpec().setRenewBefore("soon")),
        bad(
            "renewBefore beyond lifetime",
            "spec.renewBefore",
            dc -> dc.getSpec().setRenewBefore("2h")),
        bad("unknown defaultStage", "spec.defaultStage", dc -> dc.getSpec().setDefaultStage("qa")),
        bad("relative mountPath", "spec.mountPath", dc -> dc.getSpec().setMountPath("var/run")),
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
            "malformed service account",
            "spec.identity.serviceAccountName",
            dc -> dc.getSpec().getIdentity().setServiceAccountName("Not_A_Name")),
        bad(
            "malformed source role",
            "spec.identity.sourceRoleArn",
            dc -> dc.getSpec().getIdentity().setSourceRoleArn("ci-base")),
        bad(
            "malformed secret prefix",
            "spec.secretNamePrefix",
            dc -> dc.getSpec().setSecretNamePrefix("Orders_")));
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
    IdentitySpec identity = current.getSpec().getIdentity();
    identity.setServiceAccountName("Bad Name");
    client.resource(current).update();
    awaitReady(client, ns, "app", "False", "InvalidSpec");

    Secret after = client.secrets().inNamespace(ns).withName("app-dev").get();
    assertThat(after.getData()).isEqualTo(before.getData());
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    awaitReady(client, ns, "good", "True", "CredentialsIssued");

    current = get(client, ns, "app");
    current.getSpec().getIdentity().setServiceAccountName("deployer");
    client.resource(current).update();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
  }
}
