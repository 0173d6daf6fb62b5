package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitEvent;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.awaitResource;
import static io.stagecred.it.OperatorTestSupport.stage;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.StageStatus;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How STS failures reach users: terminal ones become a condition naming the cause and the fix and
 * are retried slowly; transient ones are retried with backoff until they succeed.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class StsFailureTest {

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  /** A namespace with a service account and its own role, so faults hit only this test. */
  private String setUp(String prefix, String role) {
    String ns = Fixtures.uniqueNamespace(prefix);
    Fixtures.namespaceWithServiceAccount(client, ns, "deployer");
    world
        .sts()
        .allowWebIdentity(role, "system:serviceaccount:" + ns + ":deployer", "sts.amazonaws.com");
    return ns;
  }

  @ParameterizedTest(name = "{0} is terminal and reported as {2}")
  @CsvSource({
    "AccessDenied, 403, AccessDenied, trust policy",
    "InvalidIdentityToken, 400, InvalidIdentityToken, OIDC",
    "ExpiredTokenException, 400, ExpiredToken, token",
    "ValidationError, 400, StsValidationError, duration",
    "RegionDisabledException, 403, RegionDisabled, region",
  })
  void terminalErrorsBecomeAConditionWithTheFix(
      String code, int status, String reason, String hint) {
    String role = "arn:aws:iam::111111111111:role/terminal-" + code.toLowerCase();
    String ns = setUp("terminal", role);
    world.sts().failNext(role, 1, code, status, "injected " + code);
    client.resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", role))).create();

    DeploymentCredential dc = awaitReady(client, ns, "app", "False", reason);
    StageStatus dev = stage(dc, "dev").orElseThrow();
    assertThat(dev.getReady()).isFalse();
    assertThat(dev.getMessage()).containsIgnoringCase(hint).contains(role);
    assertThat(dev.getFailures()).isEqualTo(1);
    assertThat(dev.getLastFailureTime()).isNotNull();
    assertThat(client.secrets().inNamespace(ns).withName("app-dev").get()).isNull();
    awaitEvent(client, ns, reason);
    assertThat(world.sts().countFor(role))
        .as("terminal errors are not retried quickly")
        .isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} ({1}) is retried until STS answers")
  @CsvSource({"Throttling, 400", "InternalFailure, 500", "ServiceUnavailable, 503"})
  void transientErrorsAreRetriedWithBackoff(String code, int status) {
    String role = "arn:aws:iam::111111111111:role/transient-" + code.toLowerCase();
    String ns = setUp("transient", role);
    // The SDK makes two attempts per call; fail three calls' worth so the operator's backoff runs.
    world.sts().failNext(role, 4, code, status, "injected " + code);
    client.resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", role))).create();

    awaitResource(
        client,
        ns,
        "app",
        dc -> stage(dc, "dev").map(s -> "StsUnavailable".equals(s.getReason())).orElse(false));
    DeploymentCredential dc = awaitReady(client, ns, "app", "True", "CredentialsIssued");
    assertThat(stage(dc, "dev").orElseThrow().getFailures()).isNull();
    assertThat(world.sts().countFor(role)).isGreaterThanOrEqualTo(5);
    awaitEvent(client, ns, "StsUnavailable");
  }

  @Test
  void aDroppedConnectionIsRetried() {
    String role = "arn:aws:iam::111111111111:role/transient-io";
    String ns = setUp("io", role);
    world.sts().dropNext(role, 2);
    client.resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", role))).create();
    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    assertThat(world.sts().countFor(role)).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aMissingServiceAccountIsReportedAsIdentityUnavailable() {
    String ns = Fixtures.namespace(client, "nosa");
    client
        .resource(Fixtures.resource(ns, "app", "ghost", Fixtures.stage("dev", DEV_ROLE)))
        .create();
    DeploymentCredential dc = awaitReady(client, ns, "app", "False", "IdentityUnavailable");
    assertThat(stage(dc, "dev").orElseThrow().getMessage())
        .contains("ghost")
        .contains("spec.identity.serviceAccountName");
    awaitEvent(client, ns, "IdentityUnavailable");
  }
}
