package io.stagecred.stage;

import static io.stagecred.stage.Specs.identity;
import static io.stagecred.stage.Specs.spec;
import static io.stagecred.stage.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.StageSpec;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StageSettingsTest {

  @Test
  void theStageOverridesTheSpecWhichOverridesTheBuiltInDefaults() {
    DeploymentCredentialSpec spec = Specs.basic();
    StageSpec dev = spec.getStages().get(0);
    StageSpec prod = spec.getStages().get(1);
    assertThat(StageSettings.durationSeconds(spec, dev)).isEqualTo(3600);
    assertThat(StageSettings.durationSeconds(spec, prod)).isEqualTo(1800);
    spec.setDurationSeconds(7200);
    assertThat(StageSettings.durationSeconds(spec, dev)).isEqualTo(7200);
    assertThat(StageSettings.region(spec, dev)).isEqualTo("us-east-1");
    assertThat(StageSettings.region(spec, prod)).isEqualTo("eu-west-1");
    assertThat(StageSettings.mountPath(spec)).isEqualTo("/var/run/stagecred");
    spec.setMountPath("/creds");
    assertThat(StageSettings.mountPath(spec)).isEqualTo("/creds");
  }

  @Test
  void secretNamesUseThePrefixOrElseTheResourceName() {
    DeploymentCredentialSpec spec = Specs.basic();
    assertThat(StageSettings.secretName("orders", spec, "dev")).isEqualTo("orders-dev");
    spec.setSecretNamePrefix("orders-creds");
    assertThat(StageSettings.secretName("orders", spec, "dev")).isEqualTo("orders-creds-dev");
  }

  static Stream<Arguments> chaining() {
    String src = "arn:aws:iam::111111111111:role/ci-base";
    return Stream.of(
        arguments(
            "a service account without a source role does not chain",
            identity("sa", null, null),
            true,
            false),
        arguments(
            "a service account with a source role chains", identity("sa", null, src), false, true),
        arguments(
            "the operator's token chains when the operator is configured to", null, true, true),
        arguments("the operator's token does not chain by default", null, false, false),
        arguments(
            "a source role chains the operator's token even without operator chaining",
            identity(null, null, src),
            false,
            true),
        arguments(
            "an empty identity block means the operator's token",
            identity(null, null, null),
            true,
            true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chaining")
  void chainingFollowsTheIdentityAndTheOperatorsConfiguration(
      String scenario, IdentitySpec id, boolean operatorChains, boolean expected) {
    DeploymentCredentialSpec spec = spec(stage("dev"));
    spec.setIdentity(id);
    assertThat(StageSettings.chained(spec, operatorChains)).isEqualTo(expected);
  }
}
