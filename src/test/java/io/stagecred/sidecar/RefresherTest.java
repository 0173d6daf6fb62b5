package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stagecred.api.Reason;
import io.stagecred.config.StagecredConfig;
import io.stagecred.emulator.Call;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.it.DeployPod;
import io.stagecred.renewal.RetrySchedule;
import io.stagecred.sts.StsGateway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One refresh at a time, against the STS emulator over HTTP with the real SDK: what lands in the
 * output folder, what the endpoint would serve, and what each failure leaves behind.
 */
class RefresherTest {

  private static final String PREVIEW = "arn:aws:iam::111111111111:role/deploy-preview";
  private static final String SOURCE = "arn:aws:iam::123456789012:role/ci-runner";
  private static final String SUBJECT = "system:serviceaccount:ci:orders-deployer";

  private static JwtIssuer issuer;
  private static StsEmulator sts;

  @TempDir Path out;
  @TempDir Path secrets;
  private Path tokenFile;

  @BeforeAll
  static void startSts() {
    issuer = new JwtIssuer();
    sts = StsEmulator.builder().trust(issuer).build().start();
    sts.allowWebIdentity(PREVIEW, SUBJECT, "sts.amazonaws.com");
    sts.allowWebIdentity("arn:aws:iam::111111111111:role/deploy-dev", SUBJECT, "sts.amazonaws.com");
    sts.allowWebIdentity(SOURCE, SUBJECT, "sts.amazonaws.com");
    sts.allowAssumeRole(
        "arn:aws:iam::111111111111:role/deploy-chained",
        "arn:aws:sts::123456789012:assumed-role/ci-runner/*");
  }

  @AfterAll
  static void stopSts() {
    sts.close();
  }

  @BeforeEach
  void token() throws IOException {
    sts.reset();
    tokenFile = secrets.resolve("token");
    writeToken(Duration.ofHours(1));
  }

  private void writeToken(Duration lifetime) throws IOException {
    Instant now = Instant.now();
    Instant issued = lifetime.isNegative() ? now.plus(lifetime).minusSeconds(3600) : now;
    Files.writeString(
        tokenFile, issuer.mint(SUBJECT, "sts.amazonaws.com", issued, now.plus(lifetime)));
  }

  private Map<String, String> env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    env.put("STAGECRED_STS_ENDPOINT", sts.endpoint().toString());
    env.put("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString());
    env.put("STAGECRED_OUTPUT_DIR", out.toString());
    env.put("HOSTNAME", "deploy-pod-1");
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private record Rig(Refresher refresher, CredentialState state) {}

  private Rig rig(Map<String, String> env) {
    return rig(env, null);
  }

  /** The sidecar's refresher for {@code env}, reading definitions through {@code client}. */
  private Rig rig(Map<String, String> env, KubernetesClient client) {
    StagecredConfig config = SidecarEnv.config(env);
    SidecarSettings settings = SidecarSettings.from(config);
    CredentialState state = new CredentialState();
    Refresher refresher =
        new Refresher(
            settings,
            SidecarMode.targets(settings, () -> client),
            new StsGateway(config),
            new OutputFolder(settings.outputDir()),
            state,
            settings.timing(),
            Clock.systemUTC());
    return new Rig(refresher, state);
  }

  /** The DeploymentCredential ci/orders of deploy/examples, read from the API server. */
  private Map<String, String> liveDefinition(String stage) {
    return env(
        "STAGECRED_STAGE", stage,
        "STAGECRED_DEPLOYMENT_CREDENTIAL", "orders",
        "STAGECRED_NAMESPACE", "ci");
  }

  private Map<String, String> previewRole() {
    return env(
        "STAGECRED_STAGE", "pr-42", "STAGECRED_ROLE_ARN", PREVIEW, "AWS_REGION", "us-east-1");
  }

  private Map<String, byte[]> snapshot() throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    for (String name : List.of("credentials", "config", "credential-process.json")) {
      files.put(name, Files.readAllBytes(out.resolve(name)));
    }
    return files;
  }

  @Test
  void aRenewBeforeNearlyAsLongAsTheLifetimeStillLeavesTheMinimumIntervalBetweenRenewals()
      throws IOException {
    Path definition = secrets.resolve("tight.yaml");
    Files.writeString(
        definition,
        String.join(
            "\n",
            "apiVersion: stagecred.io/v1alpha1",
            "kind: DeploymentCredential",
            "metadata:",
            "  name: tight",
            "  namespace: ci",
            "spec:",
            "  region: us-east-1",
            "  renewBefore: 14m55s",
            "  stages:",
            "    - name: pr-42",
            "      roleArn: " + PREVIEW,
            "      durationSeconds: 900",
            ""));
    Rig rig =
        rig(env("STAGECRED_STAGE", "pr-42", "STAGECRED_DEFINITION_FILE", definition.toString()));

    Refresher.Attempt attempt = rig.refresher().attempt();

    assertThat(attempt.succeeded()).as("%s", attempt.problem()).isTrue();
    CredentialState.Current current = rig.state().current().orElseThrow();
    assertThat(Duration.between(current.issuedAt(), current.expiration()))
        .as("lifetime STS granted (its expiration is in whole seconds)")
        .isBetween(Duration.ofSeconds(898), Duration.ofSeconds(900));
    // renewBefore alone would renew at the moment of issuing, on every renewal.
    assertThat(attempt.next()).isEqualTo(current.issuedAt().plusSeconds(5));
    assertThat(current.renewalTime()).isEqualTo(attempt.next());
  }

  @Test
  void theFirstRefreshWritesFilesThatSignCallsAsTheStageRole() throws IOException {
    Rig rig = rig(previewRole());
    Refresher.Attempt attempt = rig.refresher().attempt();

    assertThat(attempt.succeeded()).isTrue();
    String assumed = "arn:aws:sts::111111111111:assumed-role/deploy-preview/";
    assertThat(
            DeployPod.callerFromCredentialsFile(
                out.resolve("credentials"), "pr-42", sts.endpoint()))
        .startsWith(assumed);
    assertThat(
            DeployPod.callerFromCredentialsFile(
                out.resolve("credentials"), "default", sts.endpoint()))
        .startsWith(assumed);
    // The config's process profile runs "cat <output dir>/credential-process.json".
    assertThat(Files.readString(out.resolve("config")))
        .contains("[profile pr-42-process]")
        .contains("credential_process = cat " + out.resolve("credential-process.json"));
    assertThat(
            DeployPod.callerFromConfigFile(out.resolve("config"), "pr-42-process", sts.endpoint()))
        .startsWith(assumed);
    for (String name : List.of("credentials", "config", "credential-process.json")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(out.resolve(name))))
          .as(name)
          .isEqualTo("rw-r-----");
    }
    // The endpoint's body carries the same credentials, with STS's expiration.
    CredentialState.Current current = rig.state().current().orElseThrow();
    assertThat(current.endpointBody())
        .contains("\"AccessKeyId\":\"" + current.credentials().accessKeyId() + "\"")
        .contains("\"Expiration\":\"" + current.expiration() + "\"");
    // Renewal at expiration - max(l/3, min(10m, l/2)) - jitter; STS granted one hour here.
    Duration lifetime = Duration.between(current.issuedAt(), current.expiration());
    assertThat(Duration.between(attempt.next(), current.expiration()))
        .isBetween(lifetime.dividedBy(3).minusSeconds(1), lifetime.dividedBy(3).plusSeconds(61));
    assertThat(sts.calls())
        .filteredOn(c -> c.action().equals("AssumeRoleWithWebIdentity"))
        .extracting(Call::roleSessionName)
        .containsExactly("stagecred.sidecar.deploy-pod-1.pr-42");
  }

  @Test
  void aRenewalReplacesEveryFileWithNewCredentials() throws IOException {
    Rig rig = rig(previewRole());
    rig.refresher().attempt();
    String firstKey = rig.state().current().orElseThrow().credentials().accessKeyId();
    Map<String, byte[]> first = snapshot();

    assertThat(rig.refresher().attempt().succeeded()).isTrue();
    String secondKey = rig.state().current().orElseThrow().credentials().accessKeyId();
    assertThat(secondKey).isNotEqualTo(firstKey);
    assertThat(Files.readString(out.resolve("credentials")))
        .contains(secondKey)
        .doesNotContain(firstKey);
    assertThat(Files.readString(out.resolve("credential-process.json"))).contains(secondKey);
    assertThat(snapshot().get("config"))
        .as("config names no credentials")
        .isEqualTo(first.get("config"));
  }

  @ParameterizedTest(name = "{0} ({1}): transient={2}")
  @CsvSource({
    "AccessDenied, 403, false",
    "InvalidIdentityToken, 400, false",
    "ExpiredTokenException, 400, false",
    "RegionDisabledException, 403, false",
    "Throttling, 400, true",
    "InternalFailure, 500, true",
    "ServiceUnavailable, 503, true"
  })
  void aFailedRenewalKeepsTheFilesAndTheEndpointsCredentials(
      String code, int status, boolean transientFailure) throws IOException {
    Rig rig = rig(previewRole());
    rig.refresher().attempt();
    Map<String, byte[]> before = snapshot();
    CredentialState.Current held = rig.state().current().orElseThrow();

    sts.failNext(PREVIEW, 2, code, status, "injected " + code);
    Refresher.Attempt failed = rig.refresher().attempt();

    assertThat(failed.succeeded()).isFalse();
    assertThat(failed.problem().transientFailure()).isEqualTo(transientFailure);
    assertThat(failed.next())
        .as("retried before the held credentials expire")
        .isBefore(held.expiration());
    assertThat(snapshot())
        .allSatisfy((name, bytes) -> assertThat(bytes).isEqualTo(before.get(name)));
    assertThat(rig.state().current()).containsSame(held);
  }

  @Test
  void aRefusedRoleIsAskedOncePerRetryWindow() {
    // Trusted by nobody: every call is AccessDenied. The loop runs an attempt only at the time
    // the previous one returned, so the windows below are all STS sees.
    String refused = "arn:aws:iam::111111111111:role/refused";
    Rig rig =
        rig(
            env(
                "STAGECRED_STAGE",
                "pr-42",
                "STAGECRED_ROLE_ARN",
                refused,
                "AWS_REGION",
                "us-east-1"));
    for (int i = 1; i <= 3; i++) {
      Instant before = Instant.now();
      Refresher.Attempt failed = rig.refresher().attempt();
      assertThat(failed.problem().reason()).isEqualTo(Reason.AccessDenied);
      assertThat(Duration.between(before, failed.next()))
          .as("holding nothing, a refusal waits 15-30 s: the operator's policy")
          .isBetween(Duration.ofSeconds(14), RetrySchedule.WITHOUT_CREDENTIALS_MAX);
      assertThat(sts.countFor(refused)).as("one STS call per attempt").isEqualTo(i);
    }
  }

  @Test
  void aDroppedConnectionIsTransient() {
    Rig rig = rig(previewRole());
    sts.dropNext(PREVIEW, 2);
    Refresher.Attempt failed = rig.refresher().attempt();
    assertThat(failed.problem().transientFailure()).isTrue();
    assertThat(rig.state().current()).isEmpty();
    assertThat(rig.refresher().attempt().succeeded()).isTrue();
  }

  @Test
  void theTokenFileIsReadAgainOnEveryRefresh() throws IOException {
    Rig rig = rig(previewRole());
    Files.delete(tokenFile);
    Refresher.Attempt missing = rig.refresher().attempt();
    assertThat(missing.problem().code()).isEqualTo("IdentityUnavailable");
    assertThat(missing.problem().message())
        .contains("cannot read the pod's token file " + tokenFile)
        .contains("AWS_WEB_IDENTITY_TOKEN_FILE");

    writeToken(Duration.ofMinutes(-5));
    Refresher.Attempt expired = rig.refresher().attempt();
    assertThat(expired.succeeded()).isFalse();
    assertThat(expired.problem().transientFailure()).isFalse();

    // The kubelet rotates the projected token: the next refresh picks the new one up.
    writeToken(Duration.ofHours(1));
    assertThat(rig.refresher().attempt().succeeded()).isTrue();
    assertThat(Files.exists(out.resolve("credentials"))).isTrue();
  }

  @Test
  void withoutTokenFileVariableTheSidecarDoesNotStart() {
    // A configuration error (exit code 2), not a failure to retry: no later attempt could succeed.
    Map<String, String> env = previewRole();
    env.remove("AWS_WEB_IDENTITY_TOKEN_FILE");
    assertThatThrownBy(() -> rig(env))
        .isInstanceOf(SidecarSettings.InvalidSettingsException.class)
        .hasMessageContaining("AWS_WEB_IDENTITY_TOKEN_FILE is not set");
    assertThat(sts.calls()).as("STS calls").isEmpty();
  }

  @Test
  void chainingAssumesTheSourceRoleWithTheTokenThenTheStageRole() {
    String chained = "arn:aws:iam::111111111111:role/deploy-chained";
    Rig rig =
        rig(
            env(
                "STAGECRED_STAGE", "pr-42",
                "STAGECRED_ROLE_ARN", chained,
                "AWS_REGION", "us-east-1",
                "AWS_ROLE_ARN", SOURCE,
                "STAGECRED_CHAIN", "true",
                "STAGECRED_NAMESPACE", "ci"));
    assertThat(rig.refresher().attempt().succeeded()).isTrue();
    List<Call> calls = sts.calls();
    assertThat(calls)
        .extracting(Call::action)
        .containsExactly("AssumeRoleWithWebIdentity", "AssumeRole");
    assertThat(calls.get(0).roleArn()).isEqualTo(SOURCE);
    assertThat(calls.get(1).roleArn()).isEqualTo(chained);
    assertThat(calls.get(1).tags())
        .containsEntry("stagecred-namespace", "ci")
        .containsEntry("stagecred-name", "deploy-pod-1")
        .containsEntry("stagecred-stage", "pr-42");
    assertThat(rig.state().current().orElseThrow().credentials().assumedRoleArn())
        .startsWith("arn:aws:sts::111111111111:assumed-role/deploy-chained/");
  }

  @Test
  void aLiveDefinitionResolvesThePatternAndTheDefaultStage() throws IOException {
    KubernetesMockServer server = SidecarEnv.crudServer();
    try (KubernetesClient client = SidecarEnv.withCrd(server)) {
      client
          .resource(
              Definitions.fromFile(Path.of("deploy/examples/deploymentcredential.yaml"), "ci")
                  .resource())
          .inNamespace("ci")
          .create();
      for (String stage : List.of("pr-42", "qa")) {
        Rig rig = rig(liveDefinition(stage), client);
        assertThat(rig.refresher().attempt().succeeded()).as(stage).isTrue();
        assertThat(Files.readString(out.resolve("credentials"))).contains("[" + stage + "]");
      }
      assertThat(sts.calls())
          .extracting(Call::roleArn)
          .containsExactly(PREVIEW, "arn:aws:iam::111111111111:role/deploy-dev");
    } finally {
      server.destroy();
    }
  }

  @Test
  void whileTheApiServerIsDownTheDefinitionReadBeforeStillHolds() {
    String path = "/apis/stagecred.io/v1alpha1/namespaces/ci/deploymentcredentials/orders";
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    server
        .expect()
        .get()
        .withPath(path)
        .andReturn(
            200,
            Definitions.fromFile(Path.of("deploy/examples/deploymentcredential.yaml"), "ci")
                .resource())
        .once();
    server.expect().get().withPath(path).andReturn(503, "{}").always();
    // No client-side retries: the sidecar's own schedule retries.
    try (KubernetesClient client = SidecarEnv.noRetryClient(server)) {
      Rig rig = rig(liveDefinition("pr-42"), client);
      assertThat(rig.refresher().attempt().succeeded()).isTrue();
      assertThat(rig.refresher().attempt().succeeded()).isTrue();
      assertThat(sts.calls()).extracting(Call::roleArn).containsExactly(PREVIEW, PREVIEW);
    } finally {
      server.destroy();
    }
  }

  @Test
  void withoutAnyDefinitionReadAnApiOutageIsAProblem() {
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    server
        .expect()
        .get()
        .withPath("/apis/stagecred.io/v1alpha1/namespaces/ci/deploymentcredentials/orders")
        .andReturn(503, "{}")
        .always();
    try (KubernetesClient client = SidecarEnv.noRetryClient(server)) {
      Refresher.Attempt attempt = rig(liveDefinition("pr-42"), client).refresher().attempt();
      assertThat(attempt.problem().transientFailure()).isTrue();
      assertThat(attempt.problem().message()).contains("the API server answered 503");
      assertThat(sts.calls()).isEmpty();
    } finally {
      server.destroy();
    }
  }
}
