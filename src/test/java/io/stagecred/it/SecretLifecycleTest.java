package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.Fixtures.PREVIEW_ROLE;
import static io.stagecred.it.Fixtures.PROD_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitEvent;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.awaitSecret;
import static io.stagecred.it.OperatorTestSupport.get;
import static io.stagecred.it.OperatorTestSupport.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.StageSpec;
import io.stagecred.controlplane.AuditLog;
import io.stagecred.operator.Names;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A DeploymentCredential from creation to stage removal, checked the way a deploy pod sees it:
 * every output form must sign a GetCallerIdentity the STS emulator accepts.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class SecretLifecycleTest {

  private static final String AUD = "sts.amazonaws.com";

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  private String trustedNamespace(String prefix, String sa) {
    String ns = Fixtures.uniqueNamespace(prefix);
    Fixtures.namespaceWithServiceAccount(client, ns, sa);
    String subject = "system:serviceaccount:" + ns + ":" + sa;
    world.sts().allowWebIdentity(DEV_ROLE, subject, AUD);
    world.sts().allowWebIdentity(PROD_ROLE, subject, AUD);
    world.sts().allowWebIdentity(PREVIEW_ROLE, subject, AUD);
    return ns;
  }

  @Test
  void createsOneWorkingSecretPerConcreteStage(@TempDir Path mount) {
    String ns = trustedNamespace("create", "deployer");
    StageSpec prod = Fixtures.stage("prod", PROD_ROLE);
    prod.setRegion("eu-west-1");
    prod.setDurationSeconds(1800);
    DeploymentCredential dc =
        Fixtures.resource(
            ns,
            "orders",
            "deployer",
            Fixtures.stage("dev", DEV_ROLE),
            prod,
            Fixtures.stage("pr-*", PREVIEW_ROLE));
    dc.getSpec().setMountPath(mount.toString());
    client.resource(dc).create();

    DeploymentCredential ready = awaitReady(client, ns, "orders", "True", "CredentialsIssued");
    assertThat(ready.getStatus().getReadyStages()).isEqualTo("2/2");
    assertThat(ready.getStatus().getStages()).extracting("name").containsExactly("dev", "prod");
    assertThat(stage(ready, "prod").orElseThrow().getAssumedRoleArn())
        .startsWith(
            "arn:aws:sts::222222222222:assumed-role/deploy-prod/stagecred." + ns + ".orders.prod");
    assertThat(client.secrets().inNamespace(ns).withName("orders-pr-*").get()).isNull();

    Secret secret = client.secrets().inNamespace(ns).withName("orders-dev").get();
    assertThat(secret.getType()).isEqualTo("Opaque");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry(Names.MANAGED_BY, "stagecred")
        .containsEntry(Names.LABEL_RESOURCE, "orders")
        .containsEntry(Names.LABEL_STAGE, "dev");
    assertThat(secret.getMetadata().getAnnotations())
        .containsKeys(Names.ANN_EXPIRATION, Names.ANN_RENEWAL_TIME)
        .containsEntry(Names.ANN_ROLE_ARN, DEV_ROLE);
    assertThat(secret.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid()));
    Map<String, String> env = DeployPod.read(secret);
    assertThat(env)
        .containsKeys(
            "credentials",
            "config",
            "credential-process.json",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_DEV_ACCESS_KEY_ID",
            "AWS_DEV_SECRET_ACCESS_KEY",
            "AWS_DEV_SESSION_TOKEN")
        .containsEntry("AWS_REGION", "us-east-1")
        .containsEntry("AWS_DEFAULT_REGION", "us-east-1");

    String devArn = stage(ready, "dev").orElseThrow().getAssumedRoleArn();
    var sts = world.sts().endpoint();
    assertThat(DeployPod.callerFromEnv(env, "AWS_", sts)).isEqualTo(devArn);
    assertThat(DeployPod.callerFromEnv(env, "AWS_DEV_", sts)).isEqualTo(devArn);
    DeployPod.mount(secret, mount);
    assertThat(DeployPod.callerFromCredentialsFile(mount.resolve("credentials"), "dev", sts))
        .isEqualTo(devArn);
    assertThat(DeployPod.callerFromCredentialsFile(mount.resolve("credentials"), "default", sts))
        .isEqualTo(devArn);
    assertThat(DeployPod.callerFromConfigFile(mount.resolve("config"), "dev-process", sts))
        .isEqualTo(devArn);

    Map<String, String> prodEnv =
        DeployPod.read(client.secrets().inNamespace(ns).withName("orders-prod").get());
    assertThat(prodEnv)
        .containsEntry("AWS_REGION", "eu-west-1")
        .containsKey("AWS_PROD_SESSION_TOKEN");
    assertThat(DeployPod.callerFromEnv(prodEnv, "AWS_PROD_", sts))
        .isEqualTo(stage(ready, "prod").orElseThrow().getAssumedRoleArn());
    awaitEvent(client, ns, "CredentialsIssued");
  }

  @Test
  void reissuesOnlyTheStageWhoseSpecChangedAndDeletesRemovedStages() {
    String ns = trustedNamespace("change", "deployer");
    client
        .resource(
            Fixtures.resource(
                ns,
                "app",
                "deployer",
                Fixtures.stage("dev", DEV_ROLE),
                Fixtures.stage("prod", PROD_ROLE)))
        .create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    String devKey =
        DeployPod.read(client.secrets().inNamespace(ns).withName("app-dev").get())
            .get("AWS_ACCESS_KEY_ID");
    String prodKey =
        DeployPod.read(client.secrets().inNamespace(ns).withName("app-prod").get())
            .get("AWS_ACCESS_KEY_ID");

    DeploymentCredential current = get(client, ns, "app");
    current.getSpec().getStages().get(1).setDurationSeconds(1200);
    client.resource(current).update();
    awaitSecret(
        client, ns, "app-prod", s -> !DeployPod.read(s).get("AWS_ACCESS_KEY_ID").equals(prodKey));
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    assertThat(
            DeployPod.read(client.secrets().inNamespace(ns).withName("app-dev").get())
                .get("AWS_ACCESS_KEY_ID"))
        .as("an unchanged stage keeps its credentials")
        .isEqualTo(devKey);

    current = get(client, ns, "app");
    current.getSpec().getStages().remove(1);
    client.resource(current).update();
    await()
        .atMost(OperatorTestSupport.TIMEOUT)
        .until(() -> client.secrets().inNamespace(ns).withName("app-prod").get() == null);
    DeploymentCredential after = awaitReady(client, ns, "app", "True", "CredentialsIssued");
    assertThat(after.getStatus().getStages()).extracting("name").containsExactly("dev");
    assertThat(client.secrets().inNamespace(ns).withName("app-dev").get()).isNotNull();
  }

  @Test
  void restoresADeletedOrEditedSecret() {
    String ns = trustedNamespace("restore", "deployer");
    client
        .resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", DEV_ROLE)))
        .create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");

    client.secrets().inNamespace(ns).withName("app-dev").delete();
    Secret restored = awaitSecret(client, ns, "app-dev", s -> true);
    assertThat(DeployPod.callerFromEnv(DeployPod.read(restored), "AWS_", world.sts().endpoint()))
        .contains("assumed-role/deploy-dev/");
    awaitEvent(client, ns, "SecretRestored");

    Secret edited = client.secrets().inNamespace(ns).withName("app-dev").get();
    edited
        .getData()
        .put("AWS_ACCESS_KEY_ID", Base64.getEncoder().encodeToString("tampered".getBytes()));
    client.resource(edited).update();
    Secret again =
        awaitSecret(
            client,
            ns,
            "app-dev",
            s -> !DeployPod.read(s).get("AWS_ACCESS_KEY_ID").equals("tampered"));
    assertThat(DeployPod.callerFromEnv(DeployPod.read(again), "AWS_", world.sts().endpoint()))
        .contains("assumed-role/deploy-dev/");
  }

  @Test
  void neverTouchesASecretItDoesNotOwn() {
    String ns = trustedNamespace("conflict", "deployer");
    Secret foreign =
        new SecretBuilder()
            .withNewMetadata()
            .withName("app-dev")
            .withNamespace(ns)
            .endMetadata()
            .addToData("owner", Base64.getEncoder().encodeToString("someone-else".getBytes()))
            .build();
    client.resource(foreign).create();
    client
        .resource(
            Fixtures.resource(
                ns,
                "app",
                "deployer",
                Fixtures.stage("dev", DEV_ROLE),
                Fixtures.stage("qa", DEV_ROLE)))
        .create();

    DeploymentCredential dc = awaitReady(client, ns, "app", "False", "SecretConflict");
    assertThat(stage(dc, "dev").orElseThrow().getMessage())
        .contains("app-dev")
        .contains("secretNamePrefix");
    assertThat(stage(dc, "qa").orElseThrow().getReady()).as("other stages are unaffected").isTrue();
    Secret untouched = client.secrets().inNamespace(ns).withName("app-dev").get();
    assertThat(untouched.getData()).containsOnlyKeys("owner");
    assertThat(untouched.getMetadata().getOwnerReferences()).isNullOrEmpty();
    awaitEvent(client, ns, "SecretConflict");
  }

  @Test
  void deletingTheResourceLetsTheGarbageCollectorRemoveItsSecrets() {
    String ns = trustedNamespace("gc", "deployer");
    client
        .resource(
            Fixtures.resource(
                ns,
                "app",
                "deployer",
                Fixtures.stage("dev", DEV_ROLE),
                Fixtures.stage("prod", PROD_ROLE)))
        .create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    assertThat(client.secrets().inNamespace(ns).list().getItems()).hasSize(2);

    client.resources(DeploymentCredential.class).inNamespace(ns).withName("app").delete();

    await()
        .atMost(OperatorTestSupport.TIMEOUT)
        .until(() -> client.secrets().inNamespace(ns).list().getItems().isEmpty());
    // The owner references did it: the controller manager's garbage collector deleted them (the
    // audit log is written as each request completes, a moment after the client has its answer).
    await()
        .atMost(OperatorTestSupport.TIMEOUT)
        .untilAsserted(
            () ->
                assertThat(world.kubernetes().audit().entries())
                    .filteredOn(e -> "secrets".equals(e.resource()) && ns.equals(e.namespace()))
                    .filteredOn(e -> "delete".equals(e.verb()) && e.code() == 200)
                    .extracting(AuditLog.Entry::user)
                    .containsOnly("system:kube-controller-manager")
                    .hasSize(2));
  }

  @Test
  void servesSeveralResourcesAtOnceEachWithItsOwnSecrets() {
    String ns = trustedNamespace("many", "deployer");
    List<String> names = List.of("api", "web", "jobs", "auth", "mail");
    names.forEach(
        n ->
            client
                .resource(
                    Fixtures.resource(
                        ns,
                        n,
                        "deployer",
                        Fixtures.stage("dev", DEV_ROLE),
                        Fixtures.stage("prod", PROD_ROLE)))
                .create());

    for (String n : names) {
      DeploymentCredential ready = awaitReady(client, ns, n, "True", "CredentialsIssued");
      for (String stage : List.of("dev", "prod")) {
        Secret secret = client.secrets().inNamespace(ns).withName(n + "-" + stage).get();
        assertThat(secret.getMetadata().getOwnerReferences())
            .singleElement()
            .satisfies(o -> assertThat(o.getUid()).isEqualTo(ready.getMetadata().getUid()));
        assertThat(DeployPod.callerFromEnv(DeployPod.read(secret), "AWS_", world.sts().endpoint()))
            .isEqualTo(stage(ready, stage).orElseThrow().getAssumedRoleArn());
      }
    }
    assertThat(client.secrets().inNamespace(ns).list().getItems()).hasSize(10);
  }
}
