package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SidecarSettingsTest {

  private static final String ROLE = "arn:aws:iam::123456789012:role/deploy-pr";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  @Test
  void theContractsVariablesMapOntoTheSettings() {
    SidecarSettings s =
        SidecarEnv.settings(
            env(
                "STAGECRED_STAGE", "pr-42",
                "STAGECRED_ROLE_ARN", ROLE,
                "AWS_REGION", "eu-west-1",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks/token",
                "AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/ci-runner",
                "STAGECRED_OUTPUT_DIR", "/tmp/creds",
                "STAGECRED_ENDPOINT_PORT", "9911",
                "STAGECRED_ONCE", "true",
                "HOSTNAME", "orders-deploy-abcde"));
    assertThat(s.stage()).isEqualTo("pr-42");
    assertThat(s.roleArn()).contains(ROLE);
    assertThat(s.region()).contains("eu-west-1");
    assertThat(s.tokenFile()).contains(Path.of("/var/run/secrets/eks/token"));
    assertThat(s.sourceRoleArn()).contains("arn:aws:iam::123456789012:role/ci-runner");
    assertThat(s.outputDir()).isEqualTo(Path.of("/tmp/creds"));
    assertThat(s.endpointPort()).hasValue(9911);
    assertThat(s.endpointTokenFile()).isEqualTo(Path.of("/tmp/creds/endpoint-token"));
    assertThat(s.once()).isTrue();
    assertThat(s.chain()).isFalse();
    assertThat(s.durationSeconds()).isEqualTo(3600);
    assertThat(s.podName()).isEqualTo("orders-deploy-abcde");
    assertThat(s.roleSource()).isEqualTo("STAGECRED_ROLE_ARN");
  }

  @Test
  void defaultsFollowTheContract() {
    SidecarSettings s =
        SidecarEnv.settings(
            env("STAGECRED_STAGE", "dev", "STAGECRED_DEPLOYMENT_CREDENTIAL", "orders"));
    assertThat(s.outputDir()).isEqualTo(Path.of("/var/run/stagecred"));
    assertThat(s.endpointTokenFile()).isEqualTo(Path.of("/var/run/stagecred/endpoint-token"));
    assertThat(s.endpointPort()).isEmpty();
    assertThat(s.once()).isFalse();
    assertThat(s.podName()).isEqualTo("sidecar");
    assertThat(s.roleSource()).isEqualTo("DeploymentCredential orders");
  }

  @Test
  void awsDefaultRegionIsTheFallbackAndStagecredRegionWins() {
    assertThat(
            SidecarEnv.settings(
                    env(
                        "STAGECRED_STAGE", "dev",
                        "STAGECRED_ROLE_ARN", ROLE,
                        "AWS_DEFAULT_REGION", "ap-south-1"))
                .region())
        .contains("ap-south-1");
    assertThat(
            SidecarEnv.settings(
                    env(
                        "STAGECRED_STAGE", "dev",
                        "STAGECRED_ROLE_ARN", ROLE,
                        "AWS_REGION", "us-east-1",
                        "STAGECRED_REGION", "eu-central-1"))
                .region())
        .contains("eu-central-1");
  }

  static Stream<Arguments> broken() {
    return Stream.of(
        arguments(
            "no stage",
            env("STAGECRED_ROLE_ARN", ROLE, "AWS_REGION", "us-east-1"),
            "STAGECRED_STAGE is not set"),
        arguments(
            "a pattern as stage",
            env("STAGECRED_STAGE", "pr-*", "STAGECRED_ROLE_ARN", ROLE, "AWS_REGION", "us-east-1"),
            "STAGECRED_STAGE='pr-*' is not a concrete stage name"),
        arguments(
            "no role source",
            env("STAGECRED_STAGE", "dev"),
            "set exactly one of STAGECRED_ROLE_ARN, STAGECRED_DEPLOYMENT_CREDENTIAL"),
        arguments(
            "two role sources",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_ROLE_ARN",
                ROLE,
                "AWS_REGION",
                "us-east-1",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders"),
            "more than one role source is set"),
        arguments(
            "a user ARN as role",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_ROLE_ARN",
                "arn:aws:iam::123456789012:user/x",
                "AWS_REGION",
                "us-east-1"),
            "is not an IAM role ARN"),
        arguments(
            "a role without region",
            env("STAGECRED_STAGE", "dev", "STAGECRED_ROLE_ARN", ROLE),
            "no region for STAGECRED_ROLE_ARN: set AWS_REGION"),
        arguments(
            "a misspelt region",
            env("STAGECRED_STAGE", "dev", "STAGECRED_ROLE_ARN", ROLE, "AWS_REGION", "useast1"),
            "'useast1' is not an AWS region name"),
        arguments(
            "a duration STS refuses",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_ROLE_ARN",
                ROLE,
                "AWS_REGION",
                "us-east-1",
                "STAGECRED_DURATION_SECONDS",
                "60"),
            "STAGECRED_DURATION_SECONDS=60 is outside STS's range"),
        arguments(
            "chaining without a source role",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_ROLE_ARN",
                ROLE,
                "AWS_REGION",
                "us-east-1",
                "STAGECRED_CHAIN",
                "true"),
            "STAGECRED_CHAIN=true needs the source role in AWS_ROLE_ARN"),
        arguments(
            "an output folder with a space",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders",
                "STAGECRED_OUTPUT_DIR",
                "/tmp/my creds"),
            "STAGECRED_OUTPUT_DIR='/tmp/my creds' must be an absolute path"),
        arguments(
            "a port out of range",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders",
                "STAGECRED_ENDPOINT_PORT",
                "70000"),
            "STAGECRED_ENDPOINT_PORT=70000 is not a TCP port"),
        arguments(
            "a port that is not a number",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders",
                "STAGECRED_ENDPOINT_PORT",
                "http"),
            "STAGECRED_ENDPOINT_PORT='http' is not a whole number"),
        arguments(
            "a lifetime written as a duration",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_ROLE_ARN",
                ROLE,
                "AWS_REGION",
                "us-east-1",
                "STAGECRED_DURATION_SECONDS",
                "1h"),
            "STAGECRED_DURATION_SECONDS='1h' is not a whole number"),
        arguments(
            "a misspelt switch",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders",
                "STAGECRED_ONCE",
                "ture"),
            "STAGECRED_ONCE='ture' is not a switch: use true or false"),
        arguments(
            "a chaining switch that is not one",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders",
                "STAGECRED_CHAIN",
                "aws"),
            "STAGECRED_CHAIN='aws' is not a switch"),
        arguments(
            "a timeout that is not a duration",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders",
                "STAGECRED_ONCE_TIMEOUT",
                "soon"),
            "STAGECRED_ONCE_TIMEOUT='soon' is not a duration"),
        arguments(
            "a negative timeout",
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                "orders",
                "STAGECRED_ONCE_TIMEOUT",
                "-5s"),
            "STAGECRED_ONCE_TIMEOUT='-5s' is not a duration"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("broken")
  void aBrokenConfigurationNamesTheVariableAndTheFix(
      String scenario, Map<String, String> env, String expected) {
    assertThatThrownBy(() -> SidecarEnv.settings(env))
        .isInstanceOf(SidecarSettings.InvalidSettingsException.class)
        .hasMessageContaining(expected);
  }

  @ParameterizedTest(name = "{0} is a switch that is {1}")
  @CsvSource({
    "true,true",
    "TRUE,true",
    "yes,true",
    "on,true",
    "1,true",
    "false,false",
    "No,false",
    "off,false",
    "0,false"
  })
  void switchesAcceptTheUsualSpellings(String value, boolean expected) {
    SidecarSettings s =
        SidecarEnv.settings(
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_ROLE_ARN",
                ROLE,
                "AWS_REGION",
                "us-east-1",
                "AWS_ROLE_ARN",
                "arn:aws:iam::123456789012:role/ci-runner",
                "STAGECRED_ONCE",
                value,
                "STAGECRED_CHAIN",
                value));
    assertThat(s.once()).isEqualTo(expected);
    assertThat(s.chain()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "STAGECRED_ONCE_TIMEOUT={0}")
  @CsvSource({"90s,PT1M30S", "2m,PT2M", "45,PT45S", "PT10S,PT10S", "0,PT0S"})
  void theOnceTimeoutTakesQuarkusDurations(String value, Duration expected) {
    assertThat(
            SidecarEnv.settings(
                    env(
                        "STAGECRED_STAGE", "dev",
                        "STAGECRED_DEPLOYMENT_CREDENTIAL", "orders",
                        "STAGECRED_ONCE_TIMEOUT", value))
                .onceTimeout())
        .isEqualTo(expected);
    assertThat(
            SidecarEnv.settings(
                    env("STAGECRED_STAGE", "dev", "STAGECRED_DEPLOYMENT_CREDENTIAL", "orders"))
                .onceTimeout())
        .as("default")
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void malformedSidecarVariablesDoNotStopTheConfigurationFromLoading() {
    // The operator reads the same configuration: a stray sidecar variable must not break it.
    assertThat(
            SidecarEnv.config(
                env(
                    "STAGECRED_ENDPOINT_PORT", "x",
                    "STAGECRED_DURATION_SECONDS", "x",
                    "STAGECRED_ONCE", "x",
                    "STAGECRED_CHAIN", "x",
                    "STAGECRED_ONCE_TIMEOUT", "x")))
        .isNotNull();
  }

  @Test
  void aPodWithoutAWebIdentityTokenIsAConfigurationError() {
    assertThatThrownBy(
            () ->
                SidecarSettings.from(
                    SidecarEnv.config(
                        env(
                            "STAGECRED_STAGE", "dev",
                            "STAGECRED_ROLE_ARN", ROLE,
                            "AWS_REGION", "us-east-1"))))
        .isInstanceOf(SidecarSettings.InvalidSettingsException.class)
        .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE is not set");
    assertThat(
            SidecarEnv.settings(
                    env(
                        "STAGECRED_STAGE",
                        "dev",
                        "STAGECRED_ROLE_ARN",
                        ROLE,
                        "AWS_REGION",
                        "us-east-1"))
                .tokenFile())
        .as("the helper's pod has the EKS token path")
        .contains(Path.of(SidecarEnv.EKS_TOKEN));
  }

  @ParameterizedTest(name = "{0}=0s")
  @ValueSource(
      strings = {
        "STAGECRED_RENEWAL_RETRY_INITIAL",
        "STAGECRED_RENEWAL_RETRY_MAX",
        "STAGECRED_RENEWAL_TERMINAL_RETRY",
        "STAGECRED_RENEWAL_MIN_INTERVAL"
      })
  void aZeroWaitIsRefused(String variable) {
    assertThatThrownBy(
            () ->
                SidecarEnv.settings(
                    env(
                        "STAGECRED_STAGE",
                        "dev",
                        "STAGECRED_DEPLOYMENT_CREDENTIAL",
                        "orders",
                        variable,
                        "0s")))
        .isInstanceOf(SidecarSettings.InvalidSettingsException.class)
        .hasMessageContaining(variable + " (stagecred.renewal.")
        .hasMessageContaining("=0s must be longer than zero");
  }

  @ParameterizedTest(name = "{0}={1} is named with its fix")
  @CsvSource(
      delimiter = '|',
      value = {
        "STAGECRED_RENEWAL_RETRY_INITIAL | abc | is not a duration",
        "STAGECRED_RENEWAL_JITTER_MAX | -5s | must be zero or more",
        "STAGECRED_NAMESPACE | A/B | is not a namespace name",
        "STAGECRED_DEPLOYMENT_CREDENTIAL | Orders! | is not a resource name",
        "AWS_REGION | xx-fake-9 | STAGECRED_STS_ALLOW_UNKNOWN_REGIONS=true",
      })
  void aBadVariableIsNamedUpFront(String variable, String value, String fix) {
    assertThatThrownBy(
            () ->
                SidecarEnv.settings(
                    env(
                        "STAGECRED_STAGE",
                        "dev",
                        "STAGECRED_DEPLOYMENT_CREDENTIAL",
                        variable.equals("STAGECRED_DEPLOYMENT_CREDENTIAL") ? value : "orders",
                        variable,
                        value)))
        .isInstanceOf(SidecarSettings.InvalidSettingsException.class)
        .hasMessageContaining(variable)
        .hasMessageContaining(fix);
  }

  @Test
  void aRegionNewerThanThisReleaseIsAcceptedWhenAskedFor() {
    SidecarSettings settings =
        SidecarEnv.settings(
            env(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_ROLE_ARN",
                "arn:aws:iam::111111111111:role/deploy-dev",
                "AWS_REGION",
                "xx-fake-9",
                "STAGECRED_STS_ALLOW_UNKNOWN_REGIONS",
                "true"));
    assertThat(settings.region()).contains("xx-fake-9");
    assertThat(settings.allowUnknownRegions()).isTrue();
  }

  @Test
  void everyProblemIsListedAtOnce() {
    assertThatThrownBy(() -> SidecarEnv.settings(env("STAGECRED_ENDPOINT_PORT", "0")))
        .hasMessageContaining("STAGECRED_STAGE is not set")
        .hasMessageContaining("no role source is set")
        .hasMessageContaining("STAGECRED_ENDPOINT_PORT=0");
  }
}
