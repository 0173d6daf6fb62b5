package io.stagecred.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every typed setting of the configuration mapping is checked by its variable name before Quarkus
 * reads it: a value it cannot use gets one problem naming the variable, the property and what to
 * write; a usable one none.
 */
class SettingsCheckTest {

  private static List<String> problems(Map<String, String> env) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder().withSources(new EnvConfigSource(env, 300)).build();
    return SettingsCheck.problems(config);
  }

  @Test
  void theWalkFindsTheTypedSettingsOfEveryGroup() {
    assertThat(SettingsCheck.typed())
        .containsEntry("stagecred.sts.call-timeout", SettingsCheck.Kind.DURATION)
        .containsEntry("stagecred.sts.sdk-max-attempts", SettingsCheck.Kind.NUMBER)
        .containsEntry("stagecred.sts.allow-unknown-regions", SettingsCheck.Kind.SWITCH)
        .containsEntry("stagecred.sts.endpoint", SettingsCheck.Kind.ADDRESS)
        .containsEntry("stagecred.operator-identity.chain", SettingsCheck.Kind.SWITCH)
        .containsEntry("stagecred.token-request.expiration", SettingsCheck.Kind.DURATION)
        .containsEntry("stagecred.webhook.port", SettingsCheck.Kind.NUMBER)
        .containsEntry("stagecred.webhook.tls.ca-overlap", SettingsCheck.Kind.DURATION)
        .containsEntry("stagecred.demo.table-interval", SettingsCheck.Kind.DURATION)
        // read as text and checked where they are used, with the same kind of message
        .doesNotContainKeys("stagecred.renewal.retry-initial", "stagecred.duration-seconds");
  }

  static List<String> typedSettings() {
    return List.copyOf(SettingsCheck.typed().keySet());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("typedSettings")
  void aMalformedValueIsNamedByItsVariableWithTheFix(String property) {
    String variable = SettingsCheck.variable(property);
    String bad = SettingsCheck.typed().get(property) == SettingsCheck.Kind.ADDRESS ? "a b" : "abc";
    assertThat(problems(Map.of(variable, bad)))
        .singleElement()
        .asString()
        .startsWith(variable + " (" + property + ")='" + bad + "' is not a");
  }

  @Test
  void usableValuesPass() {
    assertThat(
            problems(
                Map.of(
                    "STAGECRED_STS_CALL_TIMEOUT", "30s",
                    "STAGECRED_STS_SDK_MAX_ATTEMPTS", "3",
                    "STAGECRED_OPERATOR_IDENTITY_CHAIN", "Yes",
                    "STAGECRED_WEBHOOK_TLS_CA_VALIDITY", "8760h",
                    "STAGECRED_STS_ENDPOINT", "http://127.0.0.1:4566")))
        .isEmpty();
    assertThat(problems(Map.of())).isEmpty();
  }

  @Test
  void aSwitchTheFrameworkWouldReadAsFalseIsRefused() {
    assertThat(problems(Map.of("STAGECRED_OPERATOR_IDENTITY_CHAIN", "ture")))
        .singleElement()
        .asString()
        .contains("is not a switch: use true or false");
  }
}
