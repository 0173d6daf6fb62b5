package io.stagecred.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RedactorTest {

  static final String JWT =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl_-x";

  static Stream<Arguments> cases() {
    return Stream.of(
        arguments(
            "a JWT inside a sentence is masked",
            "token " + JWT + " is expired",
            "token <redacted-jwt> is expired"),
        arguments(
            "an unsigned JWT (empty third part) is masked",
            "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
            "<redacted-jwt>"),
        arguments(
            "a long-term access key id is masked",
            "key AKIAIOSFODNN7EXAMPLE denied",
            "key <redacted-access-key-id> denied"),
        arguments(
            "a temporary access key id is masked",
            "(ASIAIOSFODNN7EXAMPLE)",
            "(<redacted-access-key-id>)"),
        arguments(
            "a 40-character secret key is masked",
            "secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here",
            "secret <redacted> here"),
        arguments(
            "a session token with padding is masked entirely",
            "FwoGZXIvYXdzEBYaDK+3N5Lq/Zz0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa== end",
            "<redacted> end"),
        arguments("39 base64 characters are left alone", "x".repeat(39), "x".repeat(39)),
        arguments(
            "an ordinary STS message is unchanged",
            "User: arn:aws:sts::111111111111:assumed-role/ci-base/stagecred.ci.orders is not"
                + " authorized to perform: sts:AssumeRole on resource:"
                + " arn:aws:iam::222222222222:role/deploy-prod",
            "User: arn:aws:sts::111111111111:assumed-role/ci-base/stagecred.ci.orders is not"
                + " authorized to perform: sts:AssumeRole on resource:"
                + " arn:aws:iam::222222222222:role/deploy-prod"),
        arguments(
            "the letters eyJ alone are not a JWT", "eyJ is not a token", "eyJ is not a token"),
        arguments(
            "a lower-case akia string is not a key id",
            "akiaiosfodnn7example",
            "akiaiosfodnn7example"),
        arguments(
            "several secrets in one message are all masked",
            JWT + " " + "ASIAIOSFODNN7EXAMPLE",
            "<redacted-jwt> <redacted-access-key-id>"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void masksSecretsAndLeavesTheRestReadable(String scenario, String input, String expected) {
    assertThat(Redactor.redact(input)).isEqualTo(expected);
  }

  @Test
  void nullStaysNull() {
    assertThat(Redactor.redact(null)).isNull();
  }
}
