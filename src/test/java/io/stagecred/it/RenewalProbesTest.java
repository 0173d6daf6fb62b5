package io.stagecred.it;

import static io.stagecred.it.OperatorTestSupport.awaitEvent;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.awaitResource;
import static io.stagecred.it.OperatorTestSupport.awaitSecret;
import static io.stagecred.it.OperatorTestSupport.get;
import static io.stagecred.it.OperatorTestSupport.ready;
import static io.stagecred.it.OperatorTestSupport.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.StageStatus;
import io.stagecred.emulator.Call;
import io.stagecred.operator.Names;
import io.stagecred.renewal.RetrySchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The renewal faults users hit, each reproduced on the real API server with STS faults from the
 * emulator: a refused role called once per retry window whatever else happens, a broken stage entry
 * that stops only its own stage, a renewal refused once and retried before expiry, readiness that
 * turns false when the credentials expire, prompt recovery after an outage, edited annotations
 * repaired, and a changed renewBefore that moves the renewal. Credentials the emulator shortens to
 * 12 s (3600 s / 300) renew 6 s after they are issued.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class RenewalProbesTest {

  private static final String AUD = "sts.amazonaws.com";

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  /** A namespace whose service account {@code role} trusts; its credentials last 12 s if fast. */
  private String namespaceFor(String prefix, String role, boolean fast) {
    String ns = Fixtures.uniqueNamespace(prefix);
    Fixtures.namespaceWithServiceAccount(client, ns, "deployer");
    world.sts().allowWebIdentity(role, "system:serviceaccount:" + ns + ":deployer", AUD);
    if (fast) {
      world.sts().lifetimeDivisor(role, 300);
    }
    return ns;
  }

  /** Creates ns/app with one stage dev of {@code role}; returns it once issued. */
  private DeploymentCredential issueOneStage(String ns, String role) {
    client.resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", role))).create();
    return awaitReady(client, ns, "app", "True", "CredentialsIssued");
  }

  private static String accessKey(Secret s) {
    return DeployPod.read(s).get("AWS_ACCESS_KEY_ID");
  }

  private List<Instant> callsFor(String role) {
    return world.sts().calls().stream()
        .filter(c -> role.equals(c.roleArn()))
        .map(Call::at)
        .toList();
  }

  @Test
  void aRefusedRoleIsCalledOncePerRetryWindowHoweverManyEventsArrive() {
    String dev = "arn:aws:iam::111111111111:role/storm-dev";
    // Trusted by nobody: STS answers AccessDenied.
    String refused = "arn:aws:iam::111111111111:role/storm-refused";
    String ns = namespaceFor("storm", dev, false);
    client
        .resource(
            Fixtures.resource(
                ns, "app", "deployer", Fixtures.stage("dev", dev), Fixtures.stage("prod", refused)))
        .create();
    DeploymentCredential first =
        awaitResource(
            client,
            ns,
            "app",
            dc ->
                stage(dc, "prod").map(s -> "AccessDenied".equals(s.getReason())).orElse(false)
                    && stage(dc, "dev").map(StageStatus::getReady).orElse(false));
    StageStatus prod = stage(first, "prod").orElseThrow();
    assertThat(prod.getNextAttemptTime()).as("the next attempt is a field").isNotNull();
    assertThat(prod.getMessage()).doesNotContainIgnoringCase("next attempt in");
    assertThat(
            Duration.between(
                Instant.parse(prod.getLastFailureTime()), Instant.parse(prod.getNextAttemptTime())))
        .as("holding nothing, a refusal is retried within half a minute")
        .isLessThanOrEqualTo(RetrySchedule.WITHOUT_CREDENTIALS_MAX);

    // Every deletion of the other stage's Secret runs a pass, which restores it.
    int restores = 5;
    for (int i = 0; i < restores; i++) {
      Secret before = client.secrets().inNamespace(ns).withName("app-dev").get();
      client.resource(before).delete();
      awaitSecret(
          client,
          ns,
          "app-dev",
          s -> !s.getMetadata().getUid().equals(before.getMetadata().getUid()));
    }
    awaitEvent(client, ns, "SecretRestored");

    List<Instant> calls = callsFor(refused);
    assertThat(calls).isNotEmpty();
    for (int i = 1; i < calls.size(); i++) {
      // The wait is at least 15 s; the pass that decides runs on whole seconds, so allow one.
      assertThat(Duration.between(calls.get(i - 1), calls.get(i)))
          .as("calls for the refused role %s at %s", refused, calls)
          .isGreaterThanOrEqualTo(Duration.ofSeconds(14));
    }
    assertThat(world.sts().countFor(dev))
        .as("the healthy stage was issued once and restored after every deletion")
        .isEqualTo(1 + restores);
  }

  @Test
  void aBrokenEntryStopsOnlyItsOwnStage() {
    String role = "arn:aws:iam::111111111111:role/independent";
    String ns = namespaceFor("independent", role, true);
    client
        .resource(
            Fixtures.resource(
                ns, "app", "deployer", Fixtures.stage("dev", role), Fixtures.stage("qa", role)))
        .create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    String qaKey = accessKey(client.secrets().inNamespace(ns).withName("app-qa").get());

    // The schema accepts it; the operator cannot serve it (an external ID needs chaining).
    DeploymentCredential current = get(client, ns, "app");
    current.getSpec().getStages().get(1).setExternalId("orders-qa");
    client.resource(current).update();

    DeploymentCredential broken = awaitReady(client, ns, "app", "False", "InvalidSpec");
    assertThat(ready(broken).orElseThrow().getMessage()).contains("spec.stages[1].externalId");
    String devKey = accessKey(client.secrets().inNamespace(ns).withName("app-dev").get());
    List<String> devKeys = new ArrayList<>(List.of(devKey));
    // dev keeps renewing (every 6 s) ...
    await()
        .atMost(OperatorTestSupport.TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              String key = accessKey(client.secrets().inNamespace(ns).withName("app-dev").get());
              if (!devKeys.contains(key)) {
                devKeys.add(key);
              }
              return devKeys.size() >= 3;
            });
    // ... while qa is left as it was, and reported honestly once its credentials have expired.
    DeploymentCredential later =
        awaitResource(
            client, ns, "app", dc -> !stage(dc, "qa").map(StageStatus::getReady).orElse(true));
    StageStatus qa = stage(later, "qa").orElseThrow();
    assertThat(qa.getReason()).isEqualTo("InvalidSpec");
    assertThat(qa.getMessage()).contains("spec.stages[1].externalId");
    assertThat(Instant.parse(qa.getExpiration())).isBefore(Instant.now());
    assertThat(accessKey(client.secrets().inNamespace(ns).withName("app-qa").get()))
        .as("the invalid stage's Secret is kept, not replaced")
        .isEqualTo(qaKey);
    assertThat(stage(later, "dev").orElseThrow().getReady()).isTrue();
  }

  @Test
  void aRenewalRefusedOnceIsRetriedBeforeTheCredentialsExpire() {
    String role = "arn:aws:iam::111111111111:role/refused-once";
    String ns = namespaceFor("once", role, true);
    DeploymentCredential issued = issueOneStage(ns, role);
    Instant firstExpiration = Instant.parse(stage(issued, "dev").orElseThrow().getExpiration());
    String firstKey = accessKey(client.secrets().inNamespace(ns).withName("app-dev").get());
    // The renewal 6 s after issue is refused; a terminal error must not wait past the expiry.
    world.sts().failNext(role, 1, "AccessDenied", 403, "injected AccessDenied");

    Secret renewed = awaitSecret(client, ns, "app-dev", s -> !accessKey(s).equals(firstKey));
    assertThat(Instant.parse(renewed.getMetadata().getAnnotations().get(Names.ANN_ISSUED_AT)))
        .as("renewed before the first credentials expired")
        .isBefore(firstExpiration);
    assertThat(world.sts().calls())
        .filteredOn(c -> role.equals(c.roleArn()))
        .extracting(Call::outcome)
        .startsWith("OK", "AccessDenied", "OK");
    DeploymentCredential after =
        awaitResource(
            client,
            ns,
            "app",
            dc -> stage(dc, "dev").map(s -> s.getFailures() == null).orElse(false));
    assertThat(stage(after, "dev").orElseThrow().getReason()).isEqualTo("CredentialsRenewed");
    assertThat(ready(after).orElseThrow().getReason()).isEqualTo("CredentialsRenewed");
    awaitEvent(client, ns, "CredentialsRenewed");
  }

  @Test
  void anStsOutageTurnsReadyFalseAtExpiryAndRecoveryIsPrompt() {
    String role = "arn:aws:iam::111111111111:role/outage-expiry";
    String ns = namespaceFor("expiry", role, true);
    DeploymentCredential issued = issueOneStage(ns, role);
    Instant expiration = Instant.parse(stage(issued, "dev").orElseThrow().getExpiration());
    world.sts().failNext(role, 100_000, "ServiceUnavailable", 503, "injected outage");
    try {
      DeploymentCredential expired = awaitReady(client, ns, "app", "False", "StsUnavailable");
      Condition condition = ready(expired).orElseThrow();
      assertThat(Instant.parse(condition.getLastTransitionTime()))
          .as("Ready turns false when the credentials expire, not at some later pass")
          .isBetween(expiration.minusSeconds(1), expiration.plusSeconds(5));
      assertThat(stage(expired, "dev").orElseThrow().getReady()).isFalse();
      // Holding nothing, the backoff stays short however many failures came before.
      DeploymentCredential failing =
          awaitResource(
              client,
              ns,
              "app",
              dc ->
                  stage(dc, "dev")
                      .map(s -> s.getFailures() != null && s.getFailures() >= 6)
                      .orElse(false));
      StageStatus dev = stage(failing, "dev").orElseThrow();
      assertThat(
              Duration.between(
                  Instant.parse(dev.getLastFailureTime()), Instant.parse(dev.getNextAttemptTime())))
          .isLessThanOrEqualTo(RetrySchedule.WITHOUT_CREDENTIALS_MAX);
    } finally {
      world.sts().heal(role);
    }
    DeploymentCredential recovered = awaitReady(client, ns, "app", "True", "CredentialsRenewed");
    assertThat(stage(recovered, "dev").orElseThrow().getFailures()).isNull();
  }

  @Test
  void editedAnnotationsAreRepairedWithoutCallingSts() {
    String role = "arn:aws:iam::111111111111:role/annotations";
    String ns = namespaceFor("annotations", role, false);
    DeploymentCredential issued = issueOneStage(ns, role);
    StageStatus dev = stage(issued, "dev").orElseThrow();
    int calls = world.sts().countFor(role);

    client
        .secrets()
        .inNamespace(ns)
        .withName("app-dev")
        .edit(
            s -> {
              s.getMetadata().getAnnotations().put(Names.ANN_EXPIRATION, "2099-01-01T00:00:00Z");
              s.getMetadata().getAnnotations().put(Names.ANN_RENEWAL_TIME, "2099-01-01T00:00:00Z");
              return s;
            });

    Secret repaired =
        awaitSecret(
            client,
            ns,
            "app-dev",
            s ->
                dev.getExpiration()
                    .equals(s.getMetadata().getAnnotations().get(Names.ANN_EXPIRATION)));
    assertThat(repaired.getMetadata().getAnnotations())
        .containsEntry(Names.ANN_RENEWAL_TIME, dev.getRenewalTime());
    assertThat(stage(get(client, ns, "app"), "dev").orElseThrow().getExpiration())
        .isEqualTo(dev.getExpiration());
    assertThat(world.sts().countFor(role)).as("nothing needed new credentials").isEqualTo(calls);
  }

  @Test
  void aChangedRenewBeforeMovesTheNextRenewal() {
    String role = "arn:aws:iam::111111111111:role/renew-before";
    String ns = namespaceFor("renewbefore", role, false);
    DeploymentCredential issued = issueOneStage(ns, role);
    Instant before = Instant.parse(stage(issued, "dev").orElseThrow().getRenewalTime());
    int calls = world.sts().countFor(role);

    // One hour's default renewBefore is 20 min; 30 min moves the renewal 10 min earlier (the
    // jitter, capped at 60 s for both, is the same for the same stage).
    DeploymentCredential current = get(client, ns, "app");
    current.getSpec().setRenewBefore("30m");
    client.resource(current).update();

    DeploymentCredential moved =
        awaitResource(
            client,
            ns,
            "app",
            dc ->
                stage(dc, "dev")
                    .map(s -> !s.getRenewalTime().equals(before.toString()))
                    .orElse(false));
    Instant after = Instant.parse(stage(moved, "dev").orElseThrow().getRenewalTime());
    assertThat(Duration.between(after, before)).isEqualTo(Duration.ofMinutes(10));
    assertThat(
            client
                .secrets()
                .inNamespace(ns)
                .withName("app-dev")
                .get()
                .getMetadata()
                .getAnnotations())
        .containsEntry(Names.ANN_RENEWAL_TIME, after.toString());
    assertThat(world.sts().countFor(role)).as("the credentials held stay").isEqualTo(calls);
  }
}
