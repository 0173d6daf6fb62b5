package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.Reason;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Resolution of the sidecar's stage from the example DeploymentCredential in deploy/examples. */
class TargetResolverTest {

  private static final Path EXAMPLE = Path.of("deploy/examples/deploymentcredential.yaml");
  private static final String SOURCE = "arn:aws:iam::123456789012:role/ci-runner";

  private static DeploymentCredential example() {
    return Definitions.fromFile(EXAMPLE, "default").resource();
  }

  private static SidecarSettings settings(String stage, boolean chain) {
    return SidecarEnv.settings(
        Map.of(
            "STAGECRED_STAGE",
            stage,
            "STAGECRED_DEFINITION_FILE",
            EXAMPLE.toString(),
            "AWS_ROLE_ARN",
            SOURCE,
            "STAGECRED_CHAIN",
            Boolean.toString(chain),
            "HOSTNAME",
            "deploy-pod-1"));
  }

  static Stream<Arguments> stages() {
    return Stream.of(
        arguments(
            "an exact stage",
            "prod",
            "arn:aws:iam::222222222222:role/deploy-prod",
            "eu-west-1",
            1800,
            "entry 'prod' (exact)"),
        arguments(
            "a preview stage through the pattern",
            "pr-42",
            "arn:aws:iam::111111111111:role/deploy-preview",
            "us-east-1",
            3600,
            "entry 'pr-*' (pattern)"),
        arguments(
            "an unknown stage through defaultStage",
            "qa",
            "arn:aws:iam::111111111111:role/deploy-dev",
            "us-east-1",
            3600,
            "entry 'dev' (default)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stages")
  void resolvesTheRequestedStage(
      String scenario, String stage, String role, String region, int duration, String origin) {
    TargetResolver.Result result =
        TargetResolver.fromResource(
            example(), "ci", "DeploymentCredential ci/orders", settings(stage, false));
    assertThat(result.failure()).isNull();
    StageTarget target = result.target();
    // Files carry the requested name, whichever entry served it.
    assertThat(target.stage()).isEqualTo(stage);
    assertThat(target.request().roleArn()).isEqualTo(role);
    assertThat(target.request().region()).isEqualTo(region);
    assertThat(target.request().durationSeconds()).isEqualTo(duration);
    assertThat(target.origin()).isEqualTo("DeploymentCredential ci/orders, " + origin);
    assertThat(target.namespace()).isEqualTo("ci");
    assertThat(target.owner()).isEqualTo("orders");
    // The definition's serviceAccountName does not chain: the pod's own token is used directly.
    assertThat(target.identity().chained()).isFalse();
  }

  @Test
  void anUnmatchedStageWithoutDefaultSaysWhatToAdd() {
    DeploymentCredential resource = example();
    resource.getSpec().setDefaultStage(null);
    TargetResolver.Result result =
        TargetResolver.fromResource(
            resource, "ci", "DeploymentCredential ci/orders", settings("qa", false));
    assertThat(result.target()).isNull();
    assertThat(result.failure().reason()).isEqualTo(Reason.InvalidSpec);
    assertThat(result.failure().transientFailure()).isFalse();
    assertThat(result.failure().message())
        .startsWith("DeploymentCredential ci/orders: no stage matches 'qa'")
        .contains("spec.defaultStage is not set");
  }

  @Test
  void anInvalidEntryOfTheRequestedStageIsNamedFieldByField() {
    DeploymentCredential resource = example();
    resource.getSpec().getStages().get(0).setRoleArn("not-an-arn");
    TargetResolver.Result result =
        TargetResolver.fromResource(
            resource, "ci", "DeploymentCredential ci/orders", settings("dev", false));
    assertThat(result.failure().reason()).isEqualTo(Reason.InvalidSpec);
    assertThat(result.failure().message())
        .startsWith("DeploymentCredential ci/orders: entry 'dev', which stage dev resolves to, is")
        .contains("spec.stages[0].roleArn");
  }

  @Test
  void anotherStagesInvalidEntryDoesNotStopThisOne() {
    // The probe: a broken prod entry made every sidecar of the definition lose its credentials.
    DeploymentCredential resource = example();
    resource.getSpec().getStages().get(0).setDurationSeconds(100);
    TargetResolver.Result result =
        TargetResolver.fromResource(
            resource, "ci", "DeploymentCredential ci/orders", settings("pr-42", false));
    assertThat(result.failure()).isNull();
    assertThat(result.target().request().roleArn())
        .isEqualTo("arn:aws:iam::111111111111:role/deploy-preview");
  }

  @Test
  void aViolationOfTheWholeDefinitionStopsEveryStage() {
    DeploymentCredential resource = example();
    resource.getSpec().setRegion("not a region");
    TargetResolver.Result result =
        TargetResolver.fromResource(
            resource, "ci", "DeploymentCredential ci/orders", settings("pr-42", false));
    assertThat(result.failure().message())
        .startsWith("DeploymentCredential ci/orders is invalid: spec.region");
  }

  @Test
  void chainsThroughTheDeclaredSourceRoleOrAwsRoleArnWhenAsked() {
    DeploymentCredential declared = example();
    declared.getSpec().getIdentity().setSourceRoleArn("arn:aws:iam::123456789012:role/hub");
    assertThat(
            TargetResolver.fromResource(declared, "ci", "d", settings("dev", false))
                .target()
                .identity()
                .sourceRoleArn())
        .contains("arn:aws:iam::123456789012:role/hub");
    assertThat(
            TargetResolver.fromResource(example(), "ci", "d", settings("dev", true))
                .target()
                .identity()
                .sourceRoleArn())
        .contains(SOURCE);
  }

  @Test
  void aRoleArnTargetTakesRegionDurationAndPodName() {
    SidecarSettings s =
        SidecarEnv.settings(
            Map.of(
                "STAGECRED_STAGE", "pr-7",
                "STAGECRED_ROLE_ARN", "arn:aws:iam::111111111111:role/deploy-preview",
                "AWS_REGION", "eu-north-1",
                "STAGECRED_DURATION_SECONDS", "900",
                "STAGECRED_NAMESPACE", "ci",
                "HOSTNAME", "deploy-pod-1"));
    StageTarget target = TargetResolver.fromRole(s);
    assertThat(target.request().region()).isEqualTo("eu-north-1");
    assertThat(target.request().durationSeconds()).isEqualTo(900);
    assertThat(target.namespace()).isEqualTo("ci");
    assertThat(target.owner()).isEqualTo("deploy-pod-1");
    assertThat(target.renewBefore()).isEqualTo(Optional.empty());
    assertThat(target.identity().chained()).isFalse();
  }
}
