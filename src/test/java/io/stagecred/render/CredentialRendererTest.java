package io.stagecred.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.sts.IssuedCredentials;
import java.time.Instant;
import java.util.List;
import java.util.SortedMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CredentialRendererTest {

  static final String KEY_ID = "ASIAEXAMPLEKEYID0001";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  static final String TOKEN = "FwoGZXIvYXdzEXAMPLE//session+token==";
  static final Instant EXPIRES = Instant.parse("2026-11-21T20:00:00Z");

  static IssuedCredentials creds() {
    return new IssuedCredentials(
        KEY_ID, SECRET, TOKEN, EXPIRES, "arn:aws:sts::111111111111:assumed-role/deploy-dev/s");
  }

  static RenderInput input(String stage) {
    return new RenderInput(stage, "eu-west-1", creds(), "/var/run/stagecred");
  }

  @Test
  void credentialsFileHasTheStageProfileThenDefaultSeparatedByABlankLine() {
    assertThat(CredentialRenderer.credentialsFile(input("dev")))
        .isEqualTo(
            """
            [dev]
            aws_access_key_id = ASIAEXAMPLEKEYID0001
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            aws_session_token = FwoGZXIvYXdzEXAMPLE//session+token==

            [default]
            aws_access_key_id = ASIAEXAMPLEKEYID0001
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            aws_session_token = FwoGZXIvYXdzEXAMPLE//session+token==
            """);
  }

  @Test
  void credentialsFileForTheStageNamedDefaultHasASingleSection() {
    assertThat(CredentialRenderer.credentialsFile(input("default")))
        .isEqualTo(
            """
            [default]
            aws_access_key_id = ASIAEXAMPLEKEYID0001
            aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
            aws_session_token = FwoGZXIvYXdzEXAMPLE//session+token==
            """);
  }

  @Test
  void configFileHasRegionProfilesAndAProcessProfileWithoutStaticKeys() {
    String config = CredentialRenderer.configFile(input("pr-42"));
    assertThat(config)
        .isEqualTo(
            """
            [profile pr-42]
            region = eu-west-1

            [profile pr-42-process]
            region = eu-west-1
            credential_process = cat /var/run/stagecred/credential-process.json

            [default]
            region = eu-west-1
            """);
    assertThat(config).doesNotContain(KEY_ID, SECRET, TOKEN, "aws_access_key_id");
  }

  @Test
  void configFileForTheStageNamedDefaultDoesNotRepeatTheDefaultProfile() {
    assertThat(CredentialRenderer.configFile(input("default")))
        .isEqualTo(
            """
            [profile default-process]
            region = eu-west-1
            credential_process = cat /var/run/stagecred/credential-process.json

            [default]
            region = eu-west-1
            """);
  }

  static Stream<Arguments> mountPaths() {
    return Stream.of(
        arguments(
            "a custom mount path is used verbatim", "/creds", "cat /creds/credential-process.json"),
        arguments(
            "trailing slashes do not double the separator",
            "/creds//",
            "cat /creds/credential-process.json"),
        arguments("the root directory works", "/", "cat /credential-process.json"),
        arguments(
            "no mount path means /var/run/stagecred",
            null,
            "cat /var/run/stagecred/credential-process.json"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mountPaths")
  void credentialProcessCommandReadsFromTheMountPath(
      String scenario, String mountPath, String command) {
    RenderInput in = new RenderInput("dev", "us-east-1", creds(), mountPath);
    assertThat(CredentialRenderer.configFile(in))
        .contains("credential_process = " + command + "\n");
  }

  @Test
  void credentialProcessJsonHasVersionKeysAndUtcExpirationInSeconds() {
    assertThat(CredentialRenderer.credentialProcessJson(input("dev")))
        .isEqualTo(
            "{\"Version\":1,\"AccessKeyId\":\"ASIAEXAMPLEKEYID0001\","
                + "\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\","
                + "\"SessionToken\":\"FwoGZXIvYXdzEXAMPLE//session+token==\","
                + "\"Expiration\":\"2026-11-21T20:00:00Z\"}");
  }

  @Test
  void containerCredentialsJsonNamesTheSessionTokenToken() {
    assertThat(CredentialRenderer.containerCredentialsJson(input("dev")))
        .isEqualTo(
            "{\"AccessKeyId\":\"ASIAEXAMPLEKEYID0001\","
                + "\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\","
                + "\"Token\":\"FwoGZXIvYXdzEXAMPLE//session+token==\","
                + "\"Expiration\":\"2026-11-21T20:00:00Z\"}");
  }

  @Test
  void fractionalSecondsOfTheExpirationAreTruncatedNotRounded() {
    var c =
        new IssuedCredentials(
            KEY_ID, SECRET, TOKEN, Instant.parse("2026-11-21T19:59:59.999Z"), null);
    RenderInput in = new RenderInput("dev", "us-east-1", c, null);
    assertThat(CredentialRenderer.credentialProcessJson(in))
        .contains("\"Expiration\":\"2026-11-21T19:59:59Z\"");
    assertThat(CredentialRenderer.containerCredentialsJson(in))
        .contains("\"Expiration\":\"2026-11-21T19:59:59Z\"");
  }

  static Stream<Arguments> jsonEscapes() {
    return Stream.of(
        arguments("a double quote is backslash-escaped", "a\"b", "\"a\\\"b\""),
        arguments("a backslash is doubled", "a\\b", "\"a\\\\b\""),
        arguments("a tab becomes \\t", "a\tb", "\"a\\tb\""),
        arguments(
            "other control characters become \\u escapes",
            "a\u0001b\u001fc",
            "\"a\\u0001b\\u001fc\""),
        arguments(
            "line and paragraph separators are escaped for JavaScript readers",
            "a\u2028b\u2029",
            "\"a\\u2028b\\u2029\""),
        arguments("slashes, plus and equals stay as they are", "a/b+c=", "\"a/b+c=\""),
        arguments("non-ASCII letters stay as they are", "\u00e9t\u00e9", "\"\u00e9t\u00e9\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonEscapes")
  void jsonStringsAreEscaped(String scenario, String raw, String quoted) {
    assertThat(JsonStrings.quote(raw)).isEqualTo(quoted);
    var c = new IssuedCredentials(KEY_ID, SECRET, "tok" + raw + "x", EXPIRES, null);
    String json =
        CredentialRenderer.credentialProcessJson(new RenderInput("dev", "us-east-1", c, null));
    assertThat(json)
        .contains("\"SessionToken\":\"tok" + quoted.substring(1, quoted.length() - 1) + "x\"");
  }

  static Stream<Arguments> secretKeys() {
    RenderInput in = input("pr-42");
    return Stream.of(
        arguments(
            "credentials holds the shared-credentials INI",
            "credentials",
            CredentialRenderer.credentialsFile(in)),
        arguments("config holds the config INI", "config", CredentialRenderer.configFile(in)),
        arguments(
            "credential-process.json holds the process output",
            "credential-process.json",
            CredentialRenderer.credentialProcessJson(in)),
        arguments("AWS_ACCESS_KEY_ID holds the key id", "AWS_ACCESS_KEY_ID", KEY_ID),
        arguments("AWS_SECRET_ACCESS_KEY holds the secret key", "AWS_SECRET_ACCESS_KEY", SECRET),
        arguments("AWS_SESSION_TOKEN holds the session token", "AWS_SESSION_TOKEN", TOKEN),
        arguments("AWS_REGION holds the region", "AWS_REGION", "eu-west-1"),
        arguments(
            "AWS_DEFAULT_REGION holds the region for older boto3",
            "AWS_DEFAULT_REGION",
            "eu-west-1"),
        arguments("the per-stage key id keeps the stage's dash", "AWS_PR-42_ACCESS_KEY_ID", KEY_ID),
        arguments(
            "the per-stage secret key keeps the stage's dash",
            "AWS_PR-42_SECRET_ACCESS_KEY",
            SECRET),
        arguments("the per-stage token keeps the stage's dash", "AWS_PR-42_SESSION_TOKEN", TOKEN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("secretKeys")
  void secretDataHoldsEveryContractKey(String scenario, String key, String value) {
    assertThat(CredentialRenderer.secretData(input("pr-42"))).containsEntry(key, value);
  }

  @Test
  void secretDataHasExactlyTheContractKeysInSortedOrder() {
    SortedMap<String, String> data = CredentialRenderer.secretData(input("pr-42"));
    assertThat(List.copyOf(data.keySet()))
        .containsExactly(
            "AWS_ACCESS_KEY_ID",
            "AWS_DEFAULT_REGION",
            "AWS_PR-42_ACCESS_KEY_ID",
            "AWS_PR-42_SECRET_ACCESS_KEY",
            "AWS_PR-42_SESSION_TOKEN",
            "AWS_REGION",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "config",
            "credential-process.json",
            "credentials");
  }

  @Test
  void renderingTheSameInputTwiceGivesTheSameBytes() {
    assertThat(CredentialRenderer.secretData(input("dev")))
        .isEqualTo(CredentialRenderer.secretData(input("dev")));
    assertThat(String.valueOf(CredentialRenderer.secretData(input("dev"))))
        .isEqualTo(String.valueOf(CredentialRenderer.secretData(input("dev"))));
  }

  @Test
  void sidecarFilesAreTheThreeFilesOfTheSecretWithIdenticalContent() {
    RenderInput in = input("pr-42");
    SortedMap<String, String> files = CredentialRenderer.sidecarFiles(in);
    assertThat(files).containsOnlyKeys("credentials", "config", "credential-process.json");
    SortedMap<String, String> data = CredentialRenderer.secretData(in);
    files.forEach((name, content) -> assertThat(data).containsEntry(name, content));
  }

  @Test
  void perStageEnvKeysUpperCaseWithoutChangingAnythingElse() {
    assertThat(SecretKeys.stageAccessKeyId("pr-42")).isEqualTo("AWS_PR-42_ACCESS_KEY_ID");
    assertThat(SecretKeys.stageSecretAccessKey("dev")).isEqualTo("AWS_DEV_SECRET_ACCESS_KEY");
    // Locale.ROOT: no Turkish dotted capital I.
    assertThat(SecretKeys.stageSessionToken("int-1")).isEqualTo("AWS_INT-1_SESSION_TOKEN");
  }

  @Test
  void toStringOfTheInputNeverShowsTheSecretParts() {
    assertThat(input("dev").toString()).doesNotContain(SECRET, TOKEN).contains("dev");
  }
}
