package io.stagecred.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.sts.IssuedCredentials;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;

/**
 * The rendered Secret keys give working credentials to AWS SDK JS v2 (Serverless v3) and v3
 * (Serverless v4): src/test/js/consumer-check.js signs GetCallerIdentity with every form against
 * the STS emulator, which verifies the SigV4 signatures. Needs {@code node} on PATH and {@code npm
 * ci --prefix src/test/js}.
 */
class JsSdkConsumerTest {
  private static final String ROLE = "arn:aws:iam::123456789012:role/stagecred/deployer";
  private static final String SUBJECT = "system:serviceaccount:ci:deployer";
  private static final String AUDIENCE = "sts.amazonaws.com";
  private static final String STAGE = "pr-42"; // a dash: covers AWS_PR-42_* env names
  private static final List<String> FORMS =
      List.of(
          "v2-shared-ini",
          "v2-env-stage",
          "v2-env",
          "v2-process",
          "v3-ini",
          "v3-ini-process",
          "v3-env");

  @TempDir Path tempDir;

  @Test
  void everyJsSdkFormSignsGetCallerIdentityWithTheRenderedCredentials() throws Exception {
    Path jsDir = projectDir().resolve("src/test/js");
    assumeTrue(onPath("node"), "node is not on PATH");
    assumeTrue(
        Files.isDirectory(jsDir.resolve("node_modules")),
        "src/test/js/node_modules is absent: run `npm ci --prefix src/test/js`");

    JwtIssuer issuer = new JwtIssuer();
    try (StsEmulator sts = StsEmulator.builder().trust(issuer).build().start()) {
      sts.allowWebIdentity(ROLE, SUBJECT, AUDIENCE);
      IssuedCredentials creds = assumeRole(sts, issuer);
      assertThat(creds.assumedRoleArn()).startsWith("arn:aws:sts::123456789012:assumed-role/");

      Path mount = Files.createDirectory(tempDir.resolve("mount"));
      SortedMap<String, String> data =
          CredentialRenderer.secretData(
              new RenderInput(STAGE, "us-east-1", creds, mount.toString()));
      Map<String, String> env = new LinkedHashMap<>();
      data.forEach(
          (key, value) -> {
            if (key.startsWith("AWS_")) {
              env.put(key, value);
            } else {
              write(mount.resolve(key), value);
            }
          });
      assertThat(env).containsKeys("AWS_PR-42_ACCESS_KEY_ID", "AWS_ACCESS_KEY_ID");
      env.put("AWS_CONFIG_FILE", mount.resolve(SecretKeys.CONFIG).toString());
      env.put("AWS_SDK_LOAD_CONFIG", "1");

      Result r = runNode(jsDir, sts.endpoint().toString(), mount, env);
      List<String> secrets = List.of(creds.secretAccessKey(), creds.sessionToken());
      for (String s : secrets) {
        // Checked with a boolean so a failure message cannot carry the secret itself.
        assertThat(r.stdout.contains(s) || r.stderr.contains(s))
            .as("consumer-check output contains a secret value")
            .isFalse();
      }
      assertThat(r.exitCode).as("consumer-check exit code; stderr:%n%s", r.stderr).isZero();

      Map<String, String> arnByForm = new LinkedHashMap<>();
      ObjectMapper json = new ObjectMapper();
      for (String line : r.stdout.split("\n")) {
        if (!line.isBlank()) {
          JsonNode n = json.readTree(line);
          arnByForm.put(n.get("form").asText(), n.get("arn").asText());
        }
      }
      assertThat(arnByForm).containsOnlyKeys(FORMS);
      assertThat(arnByForm.values())
          .allSatisfy(arn -> assertThat(arn).isEqualTo(creds.assumedRoleArn()));
    }
  }

  private static IssuedCredentials assumeRole(StsEmulator sts, JwtIssuer issuer) {
    Instant now = sts.clock().instant();
    String token = issuer.mint(SUBJECT, AUDIENCE, now, now.plus(Duration.ofHours(1)));
    try (StsClient client =
        StsClient.builder()
            .endpointOverride(sts.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      AssumeRoleWithWebIdentityResponse r =
          client.assumeRoleWithWebIdentity(
              b -> b.roleArn(ROLE).roleSessionName("js-consumer").webIdentityToken(token));
      var c = r.credentials();
      return new IssuedCredentials(
          c.accessKeyId(),
          c.secretAccessKey(),
          c.sessionToken(),
          c.expiration(),
          r.assumedRoleUser().arn());
    }
  }

  private record Result(int exitCode, String stdout, String stderr) {}

  private Result runNode(Path jsDir, String endpoint, Path mount, Map<String, String> awsEnv)
      throws IOException, InterruptedException {
    Path out = tempDir.resolve("stdout.txt");
    Path err = tempDir.resolve("stderr.txt");
    Path home = Files.createDirectory(tempDir.resolve("home"));
    ProcessBuilder pb =
        new ProcessBuilder(
                "node",
                jsDir.resolve("consumer-check.js").toString(),
                endpoint,
                mount.toString(),
                STAGE)
            .directory(jsDir.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("AWS_")); // nothing inherited from the build machine
    env.put("HOME", home.toString()); // and no ~/.aws of the build machine either
    env.putAll(awsEnv);
    Process p = pb.start();
    if (!p.waitFor(90, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError("consumer-check.js did not finish within 90 s");
    }
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static Path projectDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  private static boolean onPath(String exe) {
    String path = System.getenv("PATH");
    return path != null
        && Stream.of(path.split(File.pathSeparator))
            .filter(d -> !d.isBlank())
            .map(d -> Path.of(d, exe))
            .anyMatch(Files::isExecutable);
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
