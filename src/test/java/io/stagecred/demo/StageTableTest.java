package io.stagecred.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.StageSpec;
import io.stagecred.api.StageStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's table of stages: columns, pending resources, order, and nothing secret. */
class StageTableTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  @Test
  void rendersOneAlignedRowPerStageWithTimesRelativeToNow() {
    DeploymentCredential orders =
        resource("ci", "orders", stage("dev", "arn:aws:iam::111111111111:role/deploy-dev"));
    orders.setStatus(
        status(
            "True",
            "CredentialsIssued",
            issued("dev", "orders-dev", "arn:aws:iam::111111111111:role/deploy-dev", 3600, 2400)));

    String table = StageTable.render(List.of(orders), NOW);

    List<String> lines = table.lines().toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).split("\\s{2,}"))
        .containsExactly(
            "NAMESPACE",
            "NAME",
            "STAGE",
            "READY",
            "SECRET",
            "ROLE",
            "EXPIRES IN",
            "NEXT RENEWAL IN",
            "REASON");
    assertThat(lines.get(1).split("\\s{2,}"))
        .containsExactly(
            "ci",
            "orders",
            "dev",
            "yes",
            "orders-dev",
            "arn:aws:iam::111111111111:role/deploy-dev",
            "1h00m",
            "40m00s",
            "CredentialsIssued");
    // fixed width: every column starts at the same offset on every line
    assertThat(lines.get(1).indexOf("orders-dev")).isEqualTo(lines.get(0).indexOf("SECRET"));
    assertThat(lines.get(1).indexOf("CredentialsIssued")).isEqualTo(lines.get(0).indexOf("REASON"));
    assertThat(table).endsWith("\n");
    lines.forEach(l -> assertThat(l).doesNotEndWith(" "));
  }

  @Test
  void aResourceWithoutStatusShowsItsConcreteStagesAsPending() {
    DeploymentCredential fresh =
        resource(
            "ci",
            "orders",
            stage("dev", "arn:aws:iam::111111111111:role/deploy-dev"),
            stage("pr-*", "arn:aws:iam::111111111111:role/deploy-preview"));

    List<StageTable.Row> rows = StageTable.rows(List.of(fresh), NOW);

    assertThat(rows)
        .containsExactly(
            new StageTable.Row(
                "ci",
                "orders",
                "dev",
                "pending",
                "-",
                "arn:aws:iam::111111111111:role/deploy-dev",
                "-",
                "-",
                "Pending"));
  }

  @Test
  void aResourceWithNeitherStatusNorStagesStillGetsAPendingLine() {
    DeploymentCredential empty = resource("ci", "empty");

    assertThat(StageTable.rows(List.of(empty), NOW))
        .extracting(StageTable.Row::stage, StageTable.Row::ready)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("-", "pending"));
  }

  @Test
  void failedAndNotYetListedStagesShowTheirReason() {
    DeploymentCredential orders =
        resource(
            "ci",
            "orders",
            stage("dev", "arn:aws:iam::111111111111:role/deploy-dev"),
            stage("prod", "arn:aws:iam::222222222222:role/deploy-prod"),
            stage("qa", "arn:aws:iam::111111111111:role/deploy-qa"));
    StageStatus prod = new StageStatus();
    prod.setName("prod");
    prod.setSecretName("orders-prod");
    prod.setRoleArn("arn:aws:iam::222222222222:role/deploy-prod");
    prod.setReady(false);
    prod.setReason("AccessDenied");
    prod.setMessage("not authorized to perform sts:AssumeRoleWithWebIdentity");
    orders.setStatus(
        status(
            "False",
            "AccessDenied",
            issued("dev", "orders-dev", "arn:aws:iam::111111111111:role/deploy-dev", -60, -600),
            prod));

    List<StageTable.Row> rows = StageTable.rows(List.of(orders), NOW);

    assertThat(rows)
        .extracting(
            StageTable.Row::stage,
            StageTable.Row::ready,
            StageTable.Row::expiresIn,
            StageTable.Row::nextRenewalIn,
            StageTable.Row::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "dev", "yes", "expired", "due", "CredentialsIssued"),
            org.assertj.core.groups.Tuple.tuple("prod", "no", "-", "-", "AccessDenied"),
            org.assertj.core.groups.Tuple.tuple("qa", "pending", "-", "-", "AccessDenied"));
    assertThat(StageTable.render(List.of(orders), NOW)).doesNotContain("not authorized");
  }

  @Test
  void rowsAreSortedByNamespaceNameAndStage() {
    DeploymentCredential zeta =
        resource("team-b", "alpha", stage("dev", "arn:aws:iam::111111111111:role/a"));
    DeploymentCredential beta =
        resource(
            "ci",
            "orders",
            stage("prod", "arn:aws:iam::111111111111:role/b"),
            stage("dev", "arn:aws:iam::111111111111:role/c"));
    DeploymentCredential alpha =
        resource("ci", "billing", stage("dev", "arn:aws:iam::111111111111:role/d"));
    beta.setStatus(
        status(
            "True",
            "CredentialsIssued",
            issued("prod", "orders-prod", "arn:aws:iam::111111111111:role/b", 1800, 600),
            issued("dev", "orders-dev", "arn:aws:iam::111111111111:role/c", 3600, 2400)));

    List<StageTable.Row> rows = StageTable.rows(List.of(zeta, beta, alpha), NOW);

    assertThat(rows)
        .extracting(r -> r.namespace() + "/" + r.name() + "/" + r.stage())
        .containsExactly("ci/billing/dev", "ci/orders/dev", "ci/orders/prod", "team-b/alpha/dev");
  }

  @Test
  void theTableHoldsNoCredentialLookingValues() {
    List<DeploymentCredential> all = new ArrayList<>();
    for (String stage : List.of("dev", "prod", "pr-42")) {
      DeploymentCredential r =
          resource("ci", "svc-" + stage, stage(stage, "arn:aws:iam::111111111111:role/" + stage));
      r.setStatus(
          status(
              "True",
              "CredentialsIssued",
              issued(
                  stage,
                  "svc-" + stage + "-" + stage,
                  "arn:aws:iam::111111111111:role/" + stage,
                  900,
                  300)));
      all.add(r);
    }
    all.add(resource("ci", "pending-one", stage("dev", "arn:aws:iam::111111111111:role/x")));

    String table = StageTable.render(all, NOW);

    assertThat(table)
        .doesNotContainPattern("(AKIA|ASIA)[A-Z0-9]{16}")
        .doesNotContainPattern("[A-Za-z0-9/+]{40}")
        .doesNotContainIgnoringCase("aws_secret_access_key")
        .doesNotContainIgnoringCase("session_token")
        .doesNotContain("assumed-role");
  }

  @ParameterizedTest(name = "{0} seconds -> {1}")
  @CsvSource({"0, 0s", "45, 45s", "60, 1m00s", "750, 12m30s", "3900, 1h05m", "172800, 2d00h"})
  void durationsAreCompact(long seconds, String expected) {
    assertThat(StageTable.duration(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @Test
  void unparseableTimesShowAQuestionMark() {
    assertThat(StageTable.until("yesterday", NOW, "expired")).isEqualTo("?");
    assertThat(StageTable.until(null, NOW, "expired")).isEqualTo("-");
  }

  private static DeploymentCredential resource(String namespace, String name, StageSpec... stages) {
    DeploymentCredential r = new DeploymentCredential();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    spec.setRegion("us-east-1");
    spec.setStages(List.of(stages));
    r.setSpec(spec);
    return r;
  }

  private static StageSpec stage(String name, String roleArn) {
    StageSpec s = new StageSpec();
    s.setName(name);
    s.setRoleArn(roleArn);
    return s;
  }

  private static StageStatus issued(
      String name, String secret, String roleArn, long expiresInSeconds, long renewsInSeconds) {
    StageStatus s = new StageStatus();
    s.setName(name);
    s.setSecretName(secret);
    s.setRoleArn(roleArn);
    s.setAssumedRoleArn(
        roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")
            + "/stagecred.ci."
            + name);
    s.setExpiration(NOW.plusSeconds(expiresInSeconds).toString());
    s.setRenewalTime(NOW.plusSeconds(renewsInSeconds).toString());
    s.setReady(true);
    s.setReason("CredentialsIssued");
    s.setMessage("credentials issued");
    return s;
  }

  private static DeploymentCredentialStatus status(
      String ready, String reason, StageStatus... stages) {
    DeploymentCredentialStatus status = new DeploymentCredentialStatus();
    Condition condition =
        new ConditionBuilder()
            .withType("Ready")
            .withStatus(ready)
            .withReason(reason)
            .withMessage("see stages")
            .withLastTransitionTime(NOW.toString())
            .build();
    status.setConditions(List.of(condition));
    status.setStages(List.of(stages));
    return status;
  }
}
