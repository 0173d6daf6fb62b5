package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.StageSpec;
import io.stagecred.controlplane.ControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed CRD on a real API server: accepted (its CEL rules within the server's cost limits),
 * Established, each schema and CEL rule refusing the spec it exists for with a message naming the
 * field, good specs accepted, and the printer columns rendered by the pinned kubectl as the README
 * shows them.
 */
class CrdOnRealServerTest {

  private static final String NS = "crd-rules";
  private static ControlPlane kubernetes;
  private static KubernetesClient admin;

  @BeforeAll
  static void install() {
    kubernetes = Installation.installed();
    admin = kubernetes.admin();
    if (admin.namespaces().withName(NS).get() == null) {
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
    }
  }

  @Test
  void theCrdIsAcceptedAndEstablished() {
    CustomResourceDefinition crd =
        admin.apiextensions().v1().customResourceDefinitions().withName(Installation.CRD).get();
    Map<String, String> conditions =
        crd.getStatus().getConditions().stream()
            .collect(
                Collectors.toMap(
                    CustomResourceDefinitionCondition::getType,
                    CustomResourceDefinitionCondition::getStatus));
    assertThat(conditions)
        .containsEntry("Established", "True")
        .containsEntry("NamesAccepted", "True");
    assertThat(crd.getStatus().getAcceptedNames().getShortNames()).containsExactly("dcred");
  }

  @Test
  void withoutMaxLengthOnStageNamesTheServerRefusesTheCrdForCost() {
    // The committed CRD under another group, with one limit taken away: a string without maxLength
    // is sized at about 3 MiB, and the uniqueness rule compares every pair of 64 stage names.
    CustomResourceDefinition crd =
        admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .load(Path.of("crds/deploymentcredentials.stagecred.io-v1.yml").toFile())
            .item();
    crd.getMetadata().setName("deploymentcredentials.costcheck.stagecred.io");
    crd.getSpec().setGroup("costcheck.stagecred.io");
    crd.getSpec()
        .getVersions()
        .get(0)
        .getSchema()
        .getOpenAPIV3Schema()
        .getProperties()
        .get("spec")
        .getProperties()
        .get("stages")
        .getItems()
        .getSchema()
        .getProperties()
        .get("name")
        .setMaxLength(null);

    assertThatThrownBy(() -> admin.resource(crd).dryRun().create())
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getMessage()).contains("cost");
            });
  }

  static Stream<Arguments> refusedBySchema() {
    return Stream.of(
        refused(
            "missing region", "spec.region: Required value", dc -> dc.getSpec().setRegion(null)),
        refused("malformed region", "spec.region", dc -> dc.getSpec().setRegion("US East")),
        refused(
            "over-long region",
            "spec.region: Too long",
            dc -> dc.getSpec().setRegion("us-" + "a".repeat(30) + "-1")),
        refused("no stages", "spec.stages", dc -> dc.getSpec().setStages(List.of())),
        refused(
            "65 stages",
            "spec.stages: Too many",
            dc ->
                dc.getSpec()
                    .setStages(
                        IntStream.rangeClosed(1, 65)
                            .mapToObj(i -> Fixtures.stage("s" + i, DEV_ROLE))
                            .toList())),
        refused(
            "stage without name",
            "spec.stages[0].name: Required value",
            dc -> dc.getSpec().getStages().get(0).setName(null)),
        refused(
            "upper-case stage name",
            "spec.stages[0].name",
            dc -> dc.getSpec().getStages().get(0).setName("Dev")),
        refused(
            "duplicate stage names",
            "stage names must be unique",
            dc -> dc.getSpec().getStages().add(Fixtures.stage("dev", DEV_ROLE))),
        refused(
            "missing role",
            "spec.stages[0].roleArn: Required value",
            dc -> dc.getSpec().getStages().get(0).setRoleArn(null)),
        refused(
            "user ARN instead of role",
            "spec.stages[0].roleArn",
            dc -> dc.getSpec().getStages().get(0).setRoleArn("arn:aws:iam::111111111111:user/bob")),
        refused(
            "lifetime too short",
            "spec.durationSeconds",
            dc -> dc.getSpec().setDurationSeconds(60)),
        refused(
            "stage lifetime too long",
            "spec.stages[0].durationSeconds",
            dc -> dc.getSpec().getStages().get(0).setDurationSeconds(50000)),
        refused(
            "unparseable renewBefore",
            "spec.renewBefore",
            dc -> dc.getSpec().setRenewBefore("soon")),
        refused(
            "unknown defaultStage",
            "spec.defaultStage: Invalid value",
            dc -> dc.getSpec().setDefaultStage("qa")),
        refused(
            "pattern as defaultStage",
            "spec.defaultStage",
            dc -> {
              dc.getSpec().getStages().add(Fixtures.stage("pr-*", DEV_ROLE));
              dc.getSpec().setDefaultStage("pr-*");
            }),
        refused("relative mountPath", "spec.mountPath", dc -> dc.getSpec().setMountPath("var/run")),
        refused(
            "malformed service account",
            "spec.identity.serviceAccountName",
            dc -> dc.getSpec().getIdentity().setServiceAccountName("Not_A_Name")),
        refused(
            "empty audience",
            "spec.identity.audience",
            dc -> dc.getSpec().getIdentity().setAudience("")),
        refused(
            "malformed source role",
            "spec.identity.sourceRoleArn",
            dc -> dc.getSpec().getIdentity().setSourceRoleArn("ci-base")),
        refused(
            "malformed secret prefix",
            "spec.secretNamePrefix",
            dc -> dc.getSpec().setSecretNamePrefix("Orders_")),
        refused(
            "malformed externalId",
            "spec.stages[0].externalId",
            dc -> dc.getSpec().getStages().get(0).setExternalId("x")));
  }

  private static Arguments refused(String name, String message, Consumer<DeploymentCredential> f) {
    return Arguments.of(name, message, f);
  }

  @ParameterizedTest(name = "{0}: refused with \"{1}\"")
  @MethodSource("refusedBySchema")
  void theServerRefusesABadSpecNamingTheField(
      String name, String message, Consumer<DeploymentCredential> breakIt) {
    DeploymentCredential dc = valid("refused");
    breakIt.accept(dc);
    assertThatThrownBy(() -> admin.resource(dc).dryRun().create())
        .as(name)
        .isInstanceOfSatisfying(
            KubernetesClientException.class,
            e -> {
              assertThat(e.getCode()).isEqualTo(422);
              assertThat(e.getStatus().getMessage()).contains(message);
            });
  }

  @Test
  void aFullSpecAtTheLimitsIsAccepted() {
    DeploymentCredential dc = valid("full");
    List<StageSpec> stages = new ArrayList<>();
    for (int i = 1; i < 64; i++) {
      stages.add(Fixtures.stage("stage-" + i, DEV_ROLE));
    }
    StageSpec pattern = Fixtures.stage("pr-*", DEV_ROLE);
    pattern.setRegion("eu-west-1");
    pattern.setDurationSeconds(1800);
    stages.add(pattern);
    dc.getSpec().setStages(stages);
    dc.getSpec().setDefaultStage("stage-1");
    dc.getSpec().setRenewBefore("20m");
    dc.getSpec().setMountPath("/var/run/stagecred");
    dc.getSpec().setSecretNamePrefix("orders");
    dc.getSpec().getIdentity().setAudience("sts.amazonaws.com");
    dc.getSpec().getIdentity().setSourceRoleArn("arn:aws:iam::111111111111:role/ci-base");
    stages.get(0).setExternalId("orders-prod");
    stages.get(0).setSessionTags(Map.of("team", "orders"));
    DeploymentCredential created = admin.resource(dc).dryRun().create();
    assertThat(created.getSpec().getStages()).hasSize(64);
  }

  @Test
  void kubectlShowsTheColumnsTheReadmeShows() throws Exception {
    DeploymentCredential dc = admin.resource(valid("columns")).create();
    DeploymentCredentialStatus status = new DeploymentCredentialStatus();
    status.setNextRenewal("2026-12-01T10:38:12Z");
    status.setReadyStages("1/1");
    dc.setStatus(status);
    admin.resource(dc).updateStatus();

    List<String> lines = kubernetes.kubectl("get", "dcred", "-n", NS, "columns").lines().toList();
    assertThat(columns(lines.get(0)))
        .containsExactly("NAME", "AGE", "READY", "NEXT", "RENEWAL", "STAGES");
    assertThat(lines.get(1))
        .contains("2026-12-01T10:38:12Z")
        .contains("1/1")
        .doesNotContain("<invalid>");

    // The README's example output has kubectl's header and a row of the same shape.
    List<String> readme = Files.readAllLines(Path.of("README.md"));
    int at = readme.indexOf("$ kubectl get dcred -n ci");
    assertThat(at).as("README shows kubectl get dcred").isPositive();
    assertThat(columns(readme.get(at + 1))).isEqualTo(columns(lines.get(0)));
    assertThat(readme.get(at + 2))
        .matches("orders +\\S+ +True +\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ +\\d+/\\d+");
  }

  private static List<String> columns(String line) {
    return List.of(line.trim().split(" +"));
  }

  /** A resource the schema accepts, with an identity block for the cases that break it. */
  private static DeploymentCredential valid(String name) {
    return Fixtures.resource(NS, name, "deployer", Fixtures.stage("dev", DEV_ROLE));
  }
}
