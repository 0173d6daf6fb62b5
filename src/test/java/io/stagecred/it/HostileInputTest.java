package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitEvent;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.awaitSecret;
import static io.stagecred.it.OperatorTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.operator.Names;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hostile-input suite: what a careless or hostile tenant can do to a resource, its Secrets and
 * the operator, each case named with the answer it gets, on the real API server with the operator
 * running. Specs the schema accepts but the operator cannot serve get Ready=False InvalidSpec
 * naming the field (and a Warning event) while other resources are served; Secrets edited by hand
 * are restored, repaired or left alone; resources created, deleted and recreated quickly leave
 * nothing behind. A resource the model cannot read among a hundred is in PoisonResourceTest. What
 * the schema itself refuses is in {@link CrdOnRealServerTest}, settings in SidecarSettingsTest and
 * OperatorLauncherTest; the leak scan (ZzSecretLeakScanTest) runs over everything they produced.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class HostileInputTest {

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
            }),
        bad(
            "a resource name that leaves no room for the stage",
            "metadata.name",
            dc -> dc.getMetadata().setName("o".repeat(252))),
        bad("a region no partition has", "spec.region", dc -> dc.getSpec().setRegion("xx-fake-9")),
        bad(
            "a stage region no partition has",
            "spec.stages[0].region",
            dc -> dc.getSpec().getStages().get(0).setRegion("eu-fake-1")),
        bad("a zero renewBefore", "spec.renewBefore", dc -> dc.getSpec().setRenewBefore("0s")),
        bad(
            "renewBefore beyond the shortest stage's lifetime",
            "spec.renewBefore",
            dc -> {
              dc.getSpec().setRenewBefore("20m");
              dc.getSpec().getStages().get(0).setDurationSeconds(900);
            }),
        bad(
            "a stage named default",
            "spec.stages[0].name",
            dc -> dc.getSpec().getStages().get(0).setName("default")),
        bad(
            "a chained stage lifetime above one hour",
            "spec.stages[0].durationSeconds",
            dc -> {
              dc.getSpec().getIdentity().setSourceRoleArn("arn:aws:iam::111111111111:role/ci-base");
              dc.getSpec().getStages().get(0).setDurationSeconds(7200);
            }),
        bad(
            "a session tag that overrides stagecred's own",
            "spec.stages[0].sessionTags",
            dc -> {
              dc.getSpec().getIdentity().setSourceRoleArn("arn:aws:iam::111111111111:role/ci-base");
              dc.getSpec().setDurationSeconds(3600);
              dc.getSpec().getStages().get(0).setSessionTags(Map.of("stagecred-namespace", "prod"));
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
    dc.getSpec().setStages(new ArrayList<>(dc.getSpec().getStages()));
    breakIt.accept(dc);
    client.resource(dc).create();

    String resourceName = dc.getMetadata().getName();
    DeploymentCredential answered = awaitReady(client, ns, resourceName, "False", "InvalidSpec");
    String message = OperatorTestSupport.ready(answered).orElseThrow().getMessage();
    assertThat(message).as(name).contains(field);
    List<Event> events = awaitEvent(client, ns, "InvalidSpec");
    assertThat(events).anySatisfy(e -> assertThat(e.getMessage()).contains(field));
    assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void breakingAWorkingResourceKeepsItsSecretAndOthersUnaffected() {
    String ns = Fixtures.trustedNamespace(client, world, "break", DEV_ROLE);
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
    assertThat(after.getData().equals(before.getData())).as("the data stays as it was").isTrue();
    assertThat(after.getMetadata().getResourceVersion())
        .isEqualTo(before.getMetadata().getResourceVersion());
    awaitReady(client, ns, "good", "True", "CredentialsIssued");

    current = get(client, ns, "app");
    current.getSpec().setRenewBefore(null);
    client.resource(current).update();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
  }

  /** What a hand edit of a managed Secret gets. */
  enum Answer {
    /** Reissued: fresh credentials, sealed again. */
    RESTORED,
    /** Its annotations are written back to what it holds; no STS call. */
    REPAIRED,
    /** Nothing to do: the edit touched only what other tools may add; no write, no STS call. */
    KEPT,
    /** No longer ours (its owner reference is gone): left alone and reported. */
    CONFLICT
  }

  private static String b64(String value) {
    return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
  }

  private static Arguments edit(String name, Consumer<Secret> edit, Answer answer) {
    return Arguments.of(name, edit, answer);
  }

  static Stream<Arguments> secretEdits() {
    return Stream.of(
        edit(
            "an access key replaced",
            s -> s.getData().put("AWS_ACCESS_KEY_ID", b64("AKIAIOSFODNN7EXAMPLE")),
            Answer.RESTORED),
        edit("a data key added", s -> s.getData().put("extra", b64("x")), Answer.RESTORED),
        edit("a data key removed", s -> s.getData().remove("credentials"), Answer.RESTORED),
        edit(
            "the issue time moved back",
            s -> s.getMetadata().getAnnotations().put(Names.ANN_ISSUED_AT, "2020-01-01T00:00:00Z"),
            Answer.RESTORED),
        edit(
            "the seal removed",
            s -> s.getMetadata().getAnnotations().remove(Names.ANN_DATA_HASH),
            Answer.RESTORED),
        edit(
            "the spec fingerprint changed",
            s -> s.getMetadata().getAnnotations().put(Names.ANN_SPEC_HASH, "0000"),
            Answer.RESTORED),
        edit(
            "expiration and renewal time moved to 2099",
            s -> {
              s.getMetadata().getAnnotations().put(Names.ANN_EXPIRATION, "2099-01-01T00:00:00Z");
              s.getMetadata().getAnnotations().put(Names.ANN_RENEWAL_TIME, "2099-01-01T00:00:00Z");
            },
            Answer.REPAIRED),
        edit(
            "its stage label changed",
            s -> s.getMetadata().getLabels().put(Names.LABEL_STAGE, "prod"),
            Answer.REPAIRED),
        edit(
            "its managed-by label removed (the operator's Secret watch no longer matches it)",
            s -> s.getMetadata().getLabels().remove(Names.MANAGED_BY),
            Answer.REPAIRED),
        edit(
            "labels and annotations of another tool added",
            s -> {
              s.getMetadata().getLabels().put("backup.example.com/include", "true");
              s.getMetadata().getAnnotations().put("reflector.example.com/allowed", "ci-*");
            },
            Answer.KEPT),
        edit(
            "the owner reference removed",
            s -> s.getMetadata().setOwnerReferences(List.of()),
            Answer.CONFLICT));
  }

  @ParameterizedTest(name = "a Secret with {0} is {2}")
  @MethodSource("secretEdits")
  void aSecretEditedByHandGetsItsAnswer(String name, Consumer<Secret> edit, Answer answer) {
    String role = "arn:aws:iam::111111111111:role/edited-" + Fixtures.uniqueNamespace("role");
    String ns = Fixtures.trustedNamespace(client, world, "edited", role);
    client.resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", role))).create();
    DeploymentCredential issued = awaitReady(client, ns, "app", "True", "CredentialsIssued");
    String expiration = OperatorTestSupport.stage(issued, "dev").orElseThrow().getExpiration();
    Secret before = client.secrets().inNamespace(ns).withName("app-dev").get();
    String key = DeployPod.read(before).get("AWS_ACCESS_KEY_ID");

    Secret edited =
        client
            .secrets()
            .inNamespace(ns)
            .withName("app-dev")
            .edit(
                s -> {
                  edit.accept(s);
                  return s;
                });

    switch (answer) {
      case RESTORED -> {
        Secret restored =
            awaitSecret(
                client,
                ns,
                "app-dev",
                s ->
                    s.getData().containsKey("credentials")
                        && !key.equals(DeployPod.read(s).get("AWS_ACCESS_KEY_ID")));
        assertThat(restored.getData().keySet()).doesNotContain("extra");
        assertThat(DeployPod.read(restored).get("AWS_ACCESS_KEY_ID"))
            .isNotEqualTo("AKIAIOSFODNN7EXAMPLE");
        assertThat(world.sts().countFor(role)).isEqualTo(2);
      }
      case REPAIRED -> {
        Secret repaired =
            awaitSecret(
                client,
                ns,
                "app-dev",
                s ->
                    expiration.equals(s.getMetadata().getAnnotations().get(Names.ANN_EXPIRATION))
                        && "dev".equals(s.getMetadata().getLabels().get(Names.LABEL_STAGE))
                        && Names.MANAGED_BY_VALUE.equals(
                            s.getMetadata().getLabels().get(Names.MANAGED_BY)));
        assertThat(repaired.getData().equals(before.getData())).as("the credentials stay").isTrue();
        assertThat(world.sts().countFor(role)).isEqualTo(1);
      }
      case KEPT -> {
        // The edit starts a pass, which finds nothing to do: the Secret stays as edited.
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    client
                        .secrets()
                        .inNamespace(ns)
                        .withName("app-dev")
                        .get()
                        .getMetadata()
                        .getResourceVersion()
                        .equals(edited.getMetadata().getResourceVersion()));
        assertThat(world.sts().countFor(role)).isEqualTo(1);
      }
      case CONFLICT -> {
        DeploymentCredential refused = awaitReady(client, ns, "app", "False", "SecretConflict");
        assertThat(OperatorTestSupport.ready(refused).orElseThrow().getMessage())
            .contains("app-dev");
        assertThat(
                client
                    .secrets()
                    .inNamespace(ns)
                    .withName("app-dev")
                    .get()
                    .getData()
                    .equals(edited.getData()))
            .as("the Secret is left as it was edited")
            .isTrue();
      }
    }
  }

  @Test
  void aResourceDeletedRightAfterItsCreationLeavesNothingTheCollectorCannotRemove() {
    String ns = Fixtures.trustedNamespace(client, world, "quick", DEV_ROLE);
    Set<String> uids = new HashSet<>();
    for (int i = 0; i < 5; i++) {
      DeploymentCredential dc =
          client
              .resource(
                  Fixtures.resource(ns, "app-" + i, "deployer", Fixtures.stage("dev", DEV_ROLE)))
              .create();
      uids.add(dc.getMetadata().getUid());
      client.resource(dc).delete();
    }
    await()
        .atMost(OperatorTestSupport.TIMEOUT)
        .until(
            () -> client.resources(DeploymentCredential.class).inNamespace(ns).list().getItems(),
            List::isEmpty);
    // A pass that ran from a cache not yet aware of the deletion may still write a Secret. Each
    // such Secret is controlled by its deleted resource, so the garbage collector removes it;
    // none is left that nothing owns. (Names and owners only: never print a Secret's data.)
    assertThat(
            client.secrets().inNamespace(ns).withLabel(Names.MANAGED_BY).list().getItems().stream()
                .map(
                    x ->
                        x.getMetadata().getName()
                            + " owned by a deleted resource: "
                            + x.getMetadata().getOwnerReferences().stream()
                                .anyMatch(
                                    o ->
                                        Boolean.TRUE.equals(o.getController())
                                            && uids.contains(o.getUid()))))
        .allMatch(line -> line.endsWith("true"));
    client
        .resource(Fixtures.resource(ns, "after", "deployer", Fixtures.stage("dev", DEV_ROLE)))
        .create();
    awaitReady(client, ns, "after", "True", "CredentialsIssued");
  }

  @Test
  void aResourceRecreatedUnderTheSameNameGetsSecretsOfItsOwn() {
    String ns = Fixtures.trustedNamespace(client, world, "recreate", DEV_ROLE);
    client
        .resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", DEV_ROLE)))
        .create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    client.resource(get(client, ns, "app")).delete();
    await().atMost(OperatorTestSupport.TIMEOUT).until(() -> get(client, ns, "app") == null);

    DeploymentCredential again =
        client
            .resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", DEV_ROLE)))
            .create();
    // The old Secret is the old uid's until the garbage collector removes it; then it is issued.
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    Secret secret = client.secrets().inNamespace(ns).withName("app-dev").get();
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(again.getMetadata().getUid()));
  }
}
