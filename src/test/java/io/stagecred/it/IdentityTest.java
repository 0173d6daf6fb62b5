package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitEvent;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.get;
import static io.stagecred.it.OperatorTestSupport.ready;
import static io.stagecred.it.OperatorTestSupport.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.StageSpec;
import io.stagecred.emulator.Call;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The three ways to call STS: a service account's token, the operator's own token, and chaining.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class IdentityTest {

  private static final String AUD = "sts.amazonaws.com";
  private static final String OP_ROLE = "arn:aws:iam::111111111111:role/op-deploy";

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  @Test
  void operatorIdentityIsUsedWhereConfigurationAllowsIt() {
    world.sts().allowWebIdentity(OP_ROLE, WorldResource.OPERATOR_SUBJECT, AUD);
    String ns = Fixtures.namespace(client, "op-allowed");
    client.resource(Fixtures.resource(ns, "app", null, Fixtures.stage("dev", OP_ROLE))).create();
    DeploymentCredential dc = awaitReady(client, ns, "app", "True", "CredentialsIssued");
    assertThat(stage(dc, "dev").orElseThrow().getAssumedRoleArn())
        .contains("assumed-role/op-deploy/");
  }

  @Test
  void operatorIdentityIsRefusedInOtherNamespaces() {
    String ns = Fixtures.namespace(client, "tenant");
    client.resource(Fixtures.resource(ns, "app", null, Fixtures.stage("dev", OP_ROLE))).create();
    DeploymentCredential dc = awaitReady(client, ns, "app", "False", "IdentityRefused");
    assertThat(ready(dc).orElseThrow().getMessage())
        .contains(ns)
        .contains("spec.identity.serviceAccountName")
        .contains("stagecred.operator-identity.grants");
    awaitEvent(client, ns, "IdentityRefused");
    assertThat(client.secrets().inNamespace(ns).list().getItems()).isEmpty();
  }

  @Test
  void operatorIdentityIsRefusedForRolesNotListed() {
    String ns = Fixtures.namespace(client, "op-role");
    client.resource(Fixtures.resource(ns, "app", null, Fixtures.stage("dev", DEV_ROLE))).create();
    DeploymentCredential dc = awaitReady(client, ns, "app", "False", "IdentityRefused");
    assertThat(ready(dc).orElseThrow().getMessage())
        .contains(DEV_ROLE)
        .contains("stagecred.operator-identity.grants");
  }

  @Test
  void aGrantedNamespaceCannotBorrowTheIdentityForAnotherNamespacesRole() {
    // Both namespaces and both roles are granted, but as pairs: opb-* may not use op-* roles.
    String ns = Fixtures.namespace(client, "opb-tenant");
    client.resource(Fixtures.resource(ns, "app", null, Fixtures.stage("dev", OP_ROLE))).create();
    DeploymentCredential dc = awaitReady(client, ns, "app", "False", "IdentityRefused");
    assertThat(ready(dc).orElseThrow().getMessage())
        .contains(OP_ROLE)
        .contains("from namespace '" + ns + "'");
    assertThat(world.sts().countFor(OP_ROLE)).as("STS is never asked").isZero();
  }

  @Test
  void anExpiredOrMissingOperatorTokenIsReported() throws Exception {
    String role = "arn:aws:iam::111111111111:role/op-token";
    world.sts().allowWebIdentity(role, WorldResource.OPERATOR_SUBJECT, AUD);
    try {
      WorldResource.writeOperatorToken(world, Duration.ofMinutes(-5));
      String expired = Fixtures.namespace(client, "op-expired");
      client
          .resource(Fixtures.resource(expired, "app", null, Fixtures.stage("dev", role)))
          .create();
      DeploymentCredential dc = awaitReady(client, expired, "app", "False", "ExpiredToken");
      assertThat(stage(dc, "dev").orElseThrow().getMessage()).contains(role);

      Files.delete(world.operatorTokenFile());
      String missing = Fixtures.namespace(client, "op-missing");
      client
          .resource(Fixtures.resource(missing, "app", null, Fixtures.stage("dev", role)))
          .create();
      dc = awaitReady(client, missing, "app", "False", "IdentityUnavailable");
      assertThat(stage(dc, "dev").orElseThrow().getMessage())
          .contains(world.operatorTokenFile().toString());
    } finally {
      WorldResource.writeOperatorToken(world, Duration.ofHours(24));
    }
  }

  @Test
  void aRoleThatTrustsAnotherNamespacesServiceAccountIsDenied() {
    String role = "arn:aws:iam::111111111111:role/tenant-b-only";
    String a = Fixtures.uniqueNamespace("tenant-a");
    String b = Fixtures.uniqueNamespace("tenant-b");
    Fixtures.namespaceWithServiceAccount(client, a, "deployer");
    Fixtures.namespaceWithServiceAccount(client, b, "deployer");
    world.sts().allowWebIdentity(role, "system:serviceaccount:" + b + ":deployer", AUD);

    client.resource(Fixtures.resource(a, "app", "deployer", Fixtures.stage("dev", role))).create();
    client.resource(Fixtures.resource(b, "app", "deployer", Fixtures.stage("dev", role))).create();

    awaitReady(client, b, "app", "True", "CredentialsIssued");
    DeploymentCredential denied = awaitReady(client, a, "app", "False", "AccessDenied");
    assertThat(stage(denied, "dev").orElseThrow().getMessage()).contains(role);
    assertThat(client.secrets().inNamespace(a).list().getItems()).isEmpty();
    // The API server minted A's token for A's service account, and STS saw exactly that subject.
    assertThat(world.sts().calls())
        .filteredOn(c -> role.equals(c.roleArn()) && "AccessDenied".equals(c.outcome()))
        .extracting(Call::subject)
        .contains("system:serviceaccount:" + a + ":deployer");
  }

  @Test
  void aStageWithItsOwnServiceAccountIsIssuedWithThatAccountsTokenOnly() {
    // prod's role trusts only prod-deployer; the account preview and dev jobs run as cannot
    // obtain prod, neither through the operator nor by calling STS with its own token.
    String ns = Fixtures.uniqueNamespace("isolated");
    Fixtures.namespaceWithServiceAccount(client, ns, "deployer");
    client
        .serviceAccounts()
        .inNamespace(ns)
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("prod-deployer")
                .endMetadata()
                .build())
        .create();
    String dev = "arn:aws:iam::111111111111:role/isolated-dev-" + ns;
    String prodRole = "arn:aws:iam::222222222222:role/isolated-prod-" + ns;
    world.sts().allowWebIdentity(dev, "system:serviceaccount:" + ns + ":deployer", AUD);
    world.sts().allowWebIdentity(prodRole, "system:serviceaccount:" + ns + ":prod-deployer", AUD);
    StageSpec prod = Fixtures.stage("prod", prodRole);
    prod.setServiceAccountName("prod-deployer");
    client
        .resource(Fixtures.resource(ns, "app", "deployer", Fixtures.stage("dev", dev), prod))
        .create();

    awaitReady(client, ns, "app", "True", "CredentialsIssued");
    assertThat(world.sts().calls())
        .filteredOn(c -> prodRole.equals(c.roleArn()))
        .extracting(Call::subject, Call::outcome)
        .containsExactly(tuple("system:serviceaccount:" + ns + ":prod-deployer", "OK"));
    assertThat(world.sts().calls())
        .filteredOn(c -> dev.equals(c.roleArn()))
        .extracting(Call::subject)
        .containsExactly("system:serviceaccount:" + ns + ":deployer");

    // Moving prod to the shared account is a spec change: reissued, and refused by prod's role.
    DeploymentCredential current = get(client, ns, "app");
    current.getSpec().getStages().get(1).setServiceAccountName(null);
    client.resource(current).update();
    DeploymentCredential refused = awaitReady(client, ns, "app", "False", "AccessDenied");
    assertThat(stage(refused, "prod").orElseThrow().getMessage())
        .contains("system:serviceaccount:" + ns + ":deployer");
    assertThat(stage(refused, "dev").orElseThrow().getReady()).isTrue();
  }

  @Test
  void chainingTagsTheSessionAndPassesExternalId() {
    String ns = Fixtures.uniqueNamespace("chain");
    Fixtures.namespaceWithServiceAccount(client, ns, "deployer");
    String base = "arn:aws:iam::111111111111:role/ci-base-" + ns;
    String target = "arn:aws:iam::222222222222:role/deploy-prod-" + ns;
    world.sts().allowWebIdentity(base, "system:serviceaccount:" + ns + ":deployer", AUD);
    world.sts().allowAssumeRole(target, base);
    world.sts().requireExternalId(target, "orders-prod");

    StageSpec prod = Fixtures.stage("prod", target);
    prod.setExternalId("orders-prod");
    prod.setSessionTags(Map.of("team", "orders"));
    DeploymentCredential dc = Fixtures.resource(ns, "orders", "deployer", prod);
    IdentitySpec identity = dc.getSpec().getIdentity();
    identity.setSourceRoleArn(base);
    dc.getSpec().setDurationSeconds(3600);
    client.resource(dc).create();

    DeploymentCredential ready = awaitReady(client, ns, "orders", "True", "CredentialsIssued");
    Call chained =
        world.sts().calls().stream()
            .filter(c -> "AssumeRole".equals(c.action()) && target.equals(c.roleArn()))
            .findFirst()
            .orElseThrow();
    assertThat(chained.tags())
        .containsEntry("stagecred-namespace", ns)
        .containsEntry("stagecred-name", "orders")
        .containsEntry("stagecred-stage", "prod")
        .containsEntry("team", "orders");
    assertThat(chained.externalId()).isEqualTo("orders-prod");
    assertThat(chained.sourceIdentity()).isEqualTo("stagecred." + ns + ".orders");
    assertThat(chained.roleSessionName()).isEqualTo("stagecred." + ns + ".orders.prod");
    assertThat(chained.subject()).contains("ci-base-" + ns);
    var secret = client.secrets().inNamespace(ns).withName("orders-prod").get();
    assertThat(DeployPod.callerFromEnv(DeployPod.read(secret), "AWS_PROD_", world.sts().endpoint()))
        .isEqualTo(stage(ready, "prod").orElseThrow().getAssumedRoleArn());
  }
}
