package io.stagecred.it;

import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.awaitSecret;
import static io.stagecred.it.OperatorTestSupport.get;
import static io.stagecred.it.OperatorTestSupport.ready;
import static io.stagecred.it.OperatorTestSupport.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.StageStatus;
import io.stagecred.operator.DeploymentCredentialReconciler;
import io.stagecred.operator.ManagedSecrets;
import io.stagecred.operator.Names;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Renewal before expiry, with lifetimes the emulator shortens to seconds, and an operator restart
 * that finds fresh Secrets and makes no STS call. Runs after the other operator tests, because the
 * restart stops the application's operator.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(TestOrder.RESTART)
class RenewalAndRestartTest {

  private static final String AUD = "sts.amazonaws.com";

  @InjectWorld KubernetesClient client;
  @Inject Operator operator;
  @Inject DeploymentCredentialReconciler reconciler;
  @InjectWorld World world;

  private String namespaceFor(String prefix, String role) {
    String ns = Fixtures.uniqueNamespace(prefix);
    Fixtures.namespaceWithServiceAccount(client, ns, "deployer");
    world.sts().allowWebIdentity(role, "system:serviceaccount:" + ns + ":deployer", AUD);
    return ns;
  }

  /** awaitSecret with a longer limit: app-dev in {@code ns}, named and never printed. */
  private Secret awaitSecretFor(Duration limit, String ns, Predicate<Secret> test) {
    AtomicReference<Secret> seen = new AtomicReference<>();
    await("Secret " + ns + "/app-dev")
        .atMost(limit)
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> {
              Secret s = client.secrets().inNamespace(ns).withName("app-dev").get();
              seen.set(s);
              return s != null && test.test(s);
            });
    return seen.get();
  }

  @Test
  @Order(1)
  void renewsBeforeExpiryAndTheNewCredentialsWork() {
    String role = "arn:aws:iam::111111111111:role/renew-fast";
    // 3600 s requested, 12 s issued: the default renewBefore (max(1/3, min(10m, 1/2))) is 6 s.
    world.sts().lifetimeDivisor(role, 300);
    String ns = namespaceFor("renew", role);
    client.resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", role))).create();
    DeploymentCredential first = awaitReady(client, ns, "app", "True", "CredentialsIssued");
    StageStatus issued = stage(first, "dev").orElseThrow();
    Instant expiration = Instant.parse(issued.getExpiration());
    Instant renewalTime = Instant.parse(issued.getRenewalTime());
    // About 6 s. The operator measures the lifetime from the start of the reconcile, so a slow
    // STS round trip on a loaded runner makes it look longer and moves the renewal earlier.
    assertThat(Duration.between(renewalTime, expiration))
        .isBetween(Duration.ofSeconds(5), Duration.ofSeconds(9));
    String firstKey =
        DeployPod.read(client.secrets().inNamespace(ns).withName("app-dev").get())
            .get("AWS_ACCESS_KEY_ID");
    // Another tool labels and annotates the Secret (a backup tool, a reflector): the renewal keeps
    // it.
    client
        .secrets()
        .inNamespace(ns)
        .withName("app-dev")
        .edit(
            s -> {
              s.getMetadata().getLabels().put("backup.example.com/include", "true");
              s.getMetadata().getAnnotations().put("reflector.example.com/allowed", "ci-*");
              return s;
            });

    Secret renewed =
        awaitSecret(
            client,
            ns,
            "app-dev",
            s -> !DeployPod.read(s).get("AWS_ACCESS_KEY_ID").equals(firstKey));
    assertThat(Instant.now()).as("renewed before the old credentials expired").isBefore(expiration);
    assertThat(Instant.parse(renewed.getMetadata().getAnnotations().get(Names.ANN_EXPIRATION)))
        .isAfter(expiration);
    assertThat(DeployPod.callerFromEnv(DeployPod.read(renewed), "AWS_", world.sts().endpoint()))
        .contains("assumed-role/renew-fast/");
    assertThat(renewed.getMetadata().getLabels())
        .containsEntry("backup.example.com/include", "true");
    assertThat(renewed.getMetadata().getAnnotations())
        .containsEntry("reflector.example.com/allowed", "ci-*");
    await()
        .atMost(OperatorTestSupport.TIMEOUT)
        .until(
            () -> stage(get(client, ns, "app"), "dev").map(StageStatus::getExpiration).orElse(""),
            e -> !e.equals(issued.getExpiration()));
    // A renewal on schedule writes no Event (the issue did).
    assertThat(OperatorTestSupport.events(client, ns))
        .extracting(Event::getReason)
        .contains("CredentialsIssued")
        .doesNotContain("CredentialsRenewed");
  }

  @Test
  @Order(2)
  void anApiServerOutageBreaksNoSecretAndTheOperatorResumesByItself() {
    String role = "arn:aws:iam::111111111111:role/outage";
    // 12 s credentials: renewals fall due while the API server is down.
    world.sts().lifetimeDivisor(role, 300);
    String ns = namespaceFor("outage", role);
    client.resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", role))).create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    String uid = get(client, ns, "app").getMetadata().getUid();

    world.kubernetes().restartApiServer(Duration.ofSeconds(30));

    // Without any help the operator renews the Secret it could not renew during the outage (its
    // retries back off to at most a minute) ...
    Secret renewed =
        awaitSecretFor(
            Duration.ofSeconds(90),
            ns,
            s ->
                ManagedSecrets.held(s, uid, Map.of()).intact()
                    && ManagedSecrets.held(s, uid, Map.of()).expiration().isAfter(Instant.now()));
    assertThat(DeployPod.callerFromEnv(DeployPod.read(renewed), "AWS_", world.sts().endpoint()))
        .contains("assumed-role/outage/");
    awaitReady(client, ns, "app", "True", "CredentialsRenewed");
    // ... and serves resources created after it.
    client
        .resource(Fixtures.resource(ns, "later", "deployer", Fixtures.stage("dev", role)))
        .create();
    awaitReady(client, ns, "later", "True", "CredentialsIssued");
  }

  @Test
  @Order(3)
  void aRestartedOperatorMakesNoStsCallForFreshSecretsAndAnswersAResourceItCannotRead() {
    String role = "arn:aws:iam::111111111111:role/restart";
    String ns = namespaceFor("restart", role);
    client
        .resource(
            Fixtures.resource(
                ns, "app", "deployer", Fixtures.stage("dev", role), Fixtures.stage("qa", role)))
        .create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    Secret before = client.secrets().inNamespace(ns).withName("app-dev").get();
    int callsBefore = world.sts().countFor(role);
    assertThat(callsBefore).isEqualTo(2);

    // Stopping the application's operator closes its client too, as a process exit would.
    operator.stop();
    // Meanwhile a resource the model cannot read is stored: it is there when the operator starts.
    PoisonResources.create(client, world, ns, "poison", role);
    KubernetesClient fresh = WorldResource.operatorClient(world);
    Operator restarted =
        new Operator(
            o ->
                o.withKubernetesClient(fresh)
                    .withCloseClientOnStop(false)
                    .withUseSSAToPatchPrimaryResource(false));
    restarted.register(reconciler);
    restarted.start();
    try {
      // The restarted operator reconciles everything it finds; a changed renewBefore proves it
      // is running: it moves the renewal time it records, and keeps the credentials.
      DeploymentCredential current = get(client, ns, "app");
      current.getSpec().setRenewBefore("15m");
      client.resource(current).update();
      awaitSecret(
          fresh,
          ns,
          "app-dev",
          s ->
              !s.getMetadata()
                  .getAnnotations()
                  .get(Names.ANN_RENEWAL_TIME)
                  .equals(before.getMetadata().getAnnotations().get(Names.ANN_RENEWAL_TIME)));
      awaitReady(fresh, ns, "app", "True", "CredentialsIssued");
      assertThat(world.sts().countFor(role))
          .as("fresh Secrets cost no STS call")
          .isEqualTo(callsBefore);
      Secret after = fresh.secrets().inNamespace(ns).withName("app-dev").get();
      assertThat(after.getData().equals(before.getData())).as("the credentials held stay").isTrue();
      DeploymentCredential poison = awaitReady(fresh, ns, "poison", "False", "InvalidSpec");
      assertThat(ready(poison).orElseThrow().getMessage())
          .contains("spec.stages[0].durationSeconds");
      assertThat(restarted.getRuntimeInfo().allEventSourcesAreHealthy())
          .as("the restarted operator watches, the unreadable resource notwithstanding")
          .isTrue();
    } finally {
      restarted.stop();
      fresh.close();
    }
  }
}
