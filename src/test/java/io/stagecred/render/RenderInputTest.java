package io.stagecred.render;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.sts.IssuedCredentials;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RenderInputTest {

  static final String KEY = "ASIAEXAMPLEKEYID0001";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String TOKEN = "FwoGZXIvYXdzEXAMPLEtoken";
  static final Instant EXP = Instant.parse("2026-11-21T20:00:00Z");

  static Arguments bad(
      String scenario,
      String stage,
      String region,
      String key,
      String secret,
      String token,
      String mountPath,
      String field,
      String offending) {
    return arguments(scenario, stage, region, key, secret, token, mountPath, field, offending);
  }

  static Stream<Arguments> unsafeInputs() {
    String secretLf = "wJalrXUtnFEMI\n[evil]\naws_access_key_id = X";
    String tokenCr = "FwoGZXIvYXdzSECRETPART\rmore";
    String tokenNul = "FwoGZXIvYXdzSECRETPART\0more";
    String keyLf = "ASIASECRETKEYPART\nX";
    return Stream.of(
        bad(
            "a secret key with LF could inject a section",
            "dev",
            "us-east-1",
            KEY,
            secretLf,
            TOKEN,
            null,
            "credentials.secretAccessKey",
            "wJalrXUtnFEMI"),
        bad(
            "a session token with CR would end the line",
            "dev",
            "us-east-1",
            KEY,
            SECRET,
            tokenCr,
            null,
            "credentials.sessionToken",
            "SECRETPART"),
        bad(
            "a session token with NUL truncates C readers",
            "dev",
            "us-east-1",
            KEY,
            SECRET,
            tokenNul,
            null,
            "credentials.sessionToken",
            "SECRETPART"),
        bad(
            "an access key id with LF",
            "dev",
            "us-east-1",
            keyLf,
            SECRET,
            TOKEN,
            null,
            "credentials.accessKeyId",
            "SECRETKEYPART"),
        bad(
            "an empty secret key",
            "dev",
            "us-east-1",
            KEY,
            "",
            TOKEN,
            null,
            "credentials.secretAccessKey",
            null),
        bad(
            "a secret key with leading whitespace would be trimmed",
            "dev",
            "us-east-1",
            KEY,
            " wJalrXUtnSECRET",
            TOKEN,
            null,
            "credentials.secretAccessKey",
            "wJalrXUtnSECRET"),
        bad(
            "a session token with trailing whitespace would be trimmed",
            "dev",
            "us-east-1",
            KEY,
            SECRET,
            "FwoGSECRETTOKEN\t",
            null,
            "credentials.sessionToken",
            "FwoGSECRETTOKEN"),
        bad(
            "a stage with a closing bracket would break the section header",
            "dev]x",
            "us-east-1",
            KEY,
            SECRET,
            TOKEN,
            null,
            "stage",
            "dev]x"),
        bad(
            "a stage with a newline",
            "dev\n[x]",
            "us-east-1",
            KEY,
            SECRET,
            TOKEN,
            null,
            "stage",
            "[x]"),
        bad(
            "a stage pattern cannot be rendered",
            "pr-*",
            "us-east-1",
            KEY,
            SECRET,
            TOKEN,
            null,
            "stage",
            "pr-*"),
        bad("an upper-case stage", "Dev", "us-east-1", KEY, SECRET, TOKEN, null, "stage", "Dev"),
        bad("a missing stage", null, "us-east-1", KEY, SECRET, TOKEN, null, "stage", null),
        bad(
            "a region with a newline",
            "dev",
            "us-east-1\nx=y",
            KEY,
            SECRET,
            TOKEN,
            null,
            "region",
            "x=y"),
        bad("a missing region", "dev", null, KEY, SECRET, TOKEN, null, "region", null),
        bad(
            "a mount path with a space would split the command",
            "dev",
            "us-east-1",
            KEY,
            SECRET,
            TOKEN,
            "/var/run/my creds",
            "mountPath",
            "my creds"),
        bad(
            "a mount path with a semicolon could run a second command",
            "dev",
            "us-east-1",
            KEY,
            SECRET,
            TOKEN,
            "/tmp;rm",
            "mountPath",
            "/tmp;rm"),
        bad(
            "a relative mount path",
            "dev",
            "us-east-1",
            KEY,
            SECRET,
            TOKEN,
            "relative/dir",
            "mountPath",
            "relative/dir"),
        bad(
            "a mount path with a newline",
            "dev",
            "us-east-1",
            KEY,
            SECRET,
            TOKEN,
            "/x\ny",
            "mountPath",
            "/x\ny"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unsafeInputs")
  void unsafeInputIsRejectedNamingTheFieldButNotTheValue(
      String scenario,
      String stage,
      String region,
      String key,
      String secret,
      String token,
      String mountPath,
      String field,
      String offending) {
    var creds = new IssuedCredentials(key, secret, token, EXP, null);
    var thrown =
        assertThatThrownBy(() -> new RenderInput(stage, region, creds, mountPath))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith(field + " ");
    if (offending != null) {
      thrown.message().doesNotContain(offending);
    }
    thrown.message().doesNotContain(SECRET, TOKEN, KEY);
  }

  @Test
  void ordinaryInputIsAccepted() {
    var creds = new IssuedCredentials(KEY, SECRET + "+/=", TOKEN, EXP, null);
    assertThatCode(
            () -> new RenderInput("pr-42", "us-gov-west-1", creds, "/var/run/stage_cred-1.d"))
        .doesNotThrowAnyException();
  }
}
