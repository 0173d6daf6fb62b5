package io.stagecred.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionNamesTest {

  static final String LEGAL = "[\\w+=,.@-]{2,64}";

  static Stream<Arguments> sessionNames() {
    return Stream.of(
        arguments(
            "a short name is used as it is", "ci", "orders", "dev", "stagecred.ci.orders.dev"),
        arguments(
            "exactly 64 characters are not shortened",
            "n".repeat(20),
            "r".repeat(24),
            "s".repeat(8),
            "stagecred." + "n".repeat(20) + "." + "r".repeat(24) + "." + "s".repeat(8)),
        arguments(
            "characters STS refuses become dashes",
            "ci",
            "orders",
            "pr 1/x",
            "stagecred.ci.orders.pr-1-x"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sessionNames")
  void roleSessionNamesAreReadableWhenTheyFit(
      String scenario, String ns, String name, String stage, String expected) {
    assertThat(SessionNames.roleSessionName(ns, name, stage)).isEqualTo(expected).matches(LEGAL);
  }

  @Test
  void aNameOneCharacterTooLongIsShortenedWithAHash() {
    String name = SessionNames.roleSessionName("n".repeat(20), "r".repeat(25), "s".repeat(8));
    assertThat(name)
        .hasSize(64)
        .matches(LEGAL)
        .matches("stagecred\\.n{20}\\.r{24}-[0-9a-f]{8}")
        .startsWith("stagecred." + "n".repeat(20) + ".");
  }

  @Test
  void longNamesAreShortenedDeterministicallyAndStayDistinct() {
    String ns = "continuous-integration-preview-environments";
    String a = SessionNames.roleSessionName(ns, "orders-service-deployments", "pr-1234");
    String b = SessionNames.roleSessionName(ns, "orders-service-deployments", "pr-1235");
    assertThat(a)
        .hasSize(64)
        .matches(LEGAL)
        .matches(".*-[0-9a-f]{8}$")
        .startsWith("stagecred." + ns);
    assertThat(SessionNames.roleSessionName(ns, "orders-service-deployments", "pr-1234"))
        .isEqualTo(a);
    assertThat(a).isNotEqualTo(b);
    assertThat(a.substring(0, 55)).isEqualTo(b.substring(0, 55));
  }

  @Test
  void sourceIdentityNamesTheResourceWithTheSameRules() {
    assertThat(SessionNames.sourceIdentity("ci", "orders")).isEqualTo("stagecred.ci.orders");
    String longer = SessionNames.sourceIdentity("n".repeat(63), "r".repeat(63));
    assertThat(longer).hasSize(64).matches(LEGAL).matches(".*-[0-9a-f]{8}$");
    assertThat(SessionNames.sourceIdentity("n".repeat(63), "r".repeat(63))).isEqualTo(longer);
  }
}
