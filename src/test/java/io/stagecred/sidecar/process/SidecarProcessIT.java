package io.stagecred.sidecar.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagecred.emulator.Call;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.it.DeployPod;
import io.stagecred.sidecar.process.SidecarProcess.HttpResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs the packaged jar in sidecar mode as a child process, the way the image does, against an STS
 * emulator inside this JVM (one per test, so tests can run side by side); reads what the sidecar
 * writes to its output folder, serves on its endpoint and readiness, prints and exits with. Issued
 * credentials live {@link #LIFETIME}, so every test sees several renewals within seconds.
 */
// Failsafe sets the property after package; a surefire run selecting "Sidecar*" with -Dtest
// (which overrides surefire's includes) skips these instead of running them before the jar exists.
@EnabledIfSystemProperty(
    named = "stagecred.sidecar.jar",
    matches = ".+",
    disabledReason = "run by maven-failsafe-plugin after package (./mvnw verify)")
class SidecarProcessIT {

  static final String SUBJECT = "system:serviceaccount:ci:orders-deployer";
  static final String AUDIENCE = "sts.amazonaws.com";
  static final String STAGE = "pr-42";
  static final String ROLE = "arn:aws:iam::111111111111:role/deploy-pr";
  static final String PREVIEW = "arn:aws:iam::111111111111:role/deploy-preview";

  /**
   * 900 s requested (the STS minimum), divided by 90: each set of credentials lives 10 s, renewed
   * with 5 s left, so a sidecar stalled for a few seconds on a loaded runner still renews in time.
   */
  static final int DURATION_SECONDS = 900;

  static final long DIVISOR = 90;
  static final Duration LIFETIME = Duration.ofSeconds(DURATION_SECONDS / DIVISOR);

  /** Generous bound for a child JVM to start and issue its first credentials on a busy box. */
  static final Duration STARTUP = Duration.ofSeconds(60);

  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<Scenario> scenarios = new ArrayList<>();
  private final List<AutoCloseable> children = new ArrayList<>();

  @BeforeAll
  static void cleanWorkFolder() throws IOException {
    // Logs and material from an earlier run would mix into this run's leak scan.
    deleteRecursively(SidecarProcess.WORK);
  }

  @AfterEach
  void stopEverything() throws Exception {
    for (int i = children.size() - 1; i >= 0; i--) {
      children.get(i).close();
    }
    for (Scenario s : scenarios) {
      // Saved for SidecarLogLeakIT, which scans every child's output once all tests are done.
      SecretLeaks.save(s.name, s.sts.secretMaterial());
      s.sts.close();
    }
  }

  @Test
  void filesAppearAreReplacedBeforeExpiryAndAreAlwaysParseable() {
    Scenario s = scenario("files", ROLE);
    s.start(s.sidecar("files", ROLE));
    s.await("the first files")
        .pollInterval(Duration.ofMillis(20))
        .until(() -> OutputFiles.allPresent(s.out));

    // A reader like a deploy tool that re-reads the files: every read must parse, and what it
    // reads must still be valid then. The credentials file has no expiry of its own, so its key
    // is matched with the Expiration that credential-process.json showed for the same key (the
    // sidecar writes the JSON before the credentials file, so every key shows up there first).
    Map<String, Instant> expirationByKey = new HashMap<>();
    List<String> iniKeys = new ArrayList<>();
    List<Instant> iniReadAt = new ArrayList<>();
    Instant end = Instant.now().plus(LIFETIME.multipliedBy(3));
    int reads = 0;
    while (Instant.now().isBefore(end)) {
      assertRunning(s.sidecar());
      // Taken before the read: the files were read at this instant or later.
      Instant readStart = Instant.now();
      OutputFiles.Read read = OutputFiles.readChecked(s.out, STAGE, "read " + reads);
      assertThat(read.expiration().isAfter(readStart))
          .as("read %d: credential-process.json is not yet expired when read", reads)
          .isTrue();
      expirationByKey.put(read.jsonKeyId(), read.expiration());
      iniKeys.add(read.iniKeyId());
      iniReadAt.add(readStart);
      reads++;
      pause(Duration.ofMillis(20));
    }

    int changes = 0;
    for (int i = 0; i < iniKeys.size(); i++) {
      Instant expiration = expirationByKey.get(iniKeys.get(i));
      assertThat(expiration)
          .as("read %d: the credentials file's key was seen in the JSON", i)
          .isNotNull();
      assertThat(expiration.isAfter(iniReadAt.get(i)))
          .as("read %d: the credentials file's credentials are not yet expired when read", i)
          .isTrue();
      if (i > 0 && !iniKeys.get(i).equals(iniKeys.get(i - 1))) {
        changes++;
      }
    }
    assertThat(changes)
        .as("times the credentials file's access key changed")
        .isGreaterThanOrEqualTo(3);
    assertThat(s.sidecar().process().isAlive()).as("the sidecar is still running").isTrue();
  }

  @Test
  void theEndpointServesFreshCredentialsAcrossRenewalsAndRefusesWrongTokens() {
    Scenario s = scenario("endpoint", ROLE);
    // STS is unavailable at first, so the endpoint is up before any credentials exist.
    s.sts.failNext(ROLE, 1000, "ServiceUnavailable", 503, "Service is unavailable");
    SidecarProcess sidecar = s.start(s.sidecar("endpoint", ROLE).endpoint());
    String token = s.endpointToken();

    HttpResult before =
        s.await("the endpoint listens")
            .until(() -> sidecar.credentials(token), HttpResult::answered);
    s.await("the sidecar met STS's failures").until(() -> s.failedCalls() >= 2);
    HttpResult held = sidecar.credentials(token);
    for (HttpResult r : List.of(before, held)) {
      assertThat(r.status()).as("status before any credentials").isEqualTo(503);
      // The 503 body holds no secret, so it may appear in a failure message.
      assertThat(json(r.body()).path("code").asText()).isEqualTo("CredentialsUnavailable");
    }

    s.sts.reset();
    s.await("the first credentials on the endpoint")
        .until(() -> sidecar.credentials(token).status() == 200);

    Set<String> keyIds = new LinkedHashSet<>();
    Instant end = Instant.now().plus(LIFETIME.multipliedBy(3));
    int requests = 0;
    while (Instant.now().isBefore(end)) {
      assertRunning(sidecar);
      Instant sent = Instant.now();
      HttpResult r = sidecar.credentials(token);
      assertThat(r.status()).as("request %d: status", requests).isEqualTo(200);
      JsonNode body = json(r.body());
      for (String field : List.of("AccessKeyId", "SecretAccessKey", "Token", "Expiration")) {
        assertThat(body.path(field).asText("").isEmpty())
            .as("request %d: the body's %s is empty", requests, field)
            .isFalse();
      }
      assertThat(Instant.parse(body.get("Expiration").asText()).isAfter(sent))
          .as("request %d: the served credentials expire in the future", requests)
          .isTrue();
      keyIds.add(body.get("AccessKeyId").asText());
      requests++;
      pause(Duration.ofMillis(100));
    }
    assertThat(keyIds).as("distinct access key ids served").hasSizeGreaterThanOrEqualTo(3);

    assertThat(sidecar.credentials("not-the-" + "token").status()).as("wrong token").isEqualTo(401);
    assertThat(sidecar.credentials(null).status()).as("no Authorization header").isEqualTo(401);
  }

  @Test
  void readinessIsUpOnlyWhileValidCredentialsAreHeld() {
    Scenario s = scenario("readiness", ROLE);
    s.sts.failNext(ROLE, 1000, "ServiceUnavailable", 503, "Service is unavailable");
    SidecarProcess sidecar = s.start(s.sidecar("readiness", ROLE).endpoint());
    String token = s.endpointToken();

    HttpResult first = s.await("readiness answers").until(sidecar::readiness, HttpResult::answered);
    s.await("the sidecar met STS's failures").until(() -> s.failedCalls() >= 2);
    for (HttpResult r : List.of(first, sidecar.readiness())) {
      assertThat(r.status()).as("readiness before the first credentials").isEqualTo(503);
      assertThat(json(r.body()).path("status").asText()).isEqualTo("DOWN");
    }

    s.sts.reset();
    HttpResult up =
        s.await("readiness UP after the first credentials")
            .until(sidecar::readiness, r -> r.status() == 200);
    assertThat(json(up.body()).path("status").asText()).isEqualTo("UP");

    // STS fails every call from now on: the credentials run out and are not replaced.
    s.sts.failNext(ROLE, 1000, "ServiceUnavailable", 503, "Service is unavailable");
    HttpResult down =
        s.await("readiness DOWN once the credentials expired")
            .atMost(LIFETIME.multipliedBy(5))
            .until(sidecar::readiness, r -> r.status() == 503);
    assertThat(json(down.body()).path("status").asText()).isEqualTo("DOWN");
    assertThat(sidecar.credentials(token).status())
        .as("endpoint with expired credentials")
        .isEqualTo(503);
    // The expired files stay as they were: whole, parseable, and not deleted.
    OutputFiles.Read kept = OutputFiles.readChecked(s.out, STAGE, "after expiry");
    assertThat(kept.expiration().isBefore(Instant.now()))
        .as("the kept files' credentials have expired")
        .isTrue();

    s.sts.reset();
    s.await("readiness UP again once STS answers").until(() -> sidecar.readiness().status() == 200);
    assertThat(sidecar.credentials(token).status()).as("endpoint after recovery").isEqualTo(200);
  }

  @Test
  void onceModeExitsWithACodePerOutcome() {
    String ok = "arn:aws:iam::111111111111:role/deploy-once-ok";
    String denied = "arn:aws:iam::111111111111:role/deploy-once-denied";
    String flaky = "arn:aws:iam::111111111111:role/deploy-once-flaky";
    Scenario s = scenario("once", ok, denied, flaky);
    s.sts.failNext(
        denied, 1, "AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    s.sts.failNext(flaky, 1000, "ServiceUnavailable", 503, "Service is unavailable");

    // Four independent init containers, started together to keep the test short.
    Path okOut = s.dir.resolve("out-ok");
    Path okClasses = s.dir.resolve("once-ok-classes.txt");
    SidecarProcess written =
        s.start(
            s.sidecar("once-ok", ok)
                .flags(withClassLoadLog(okClasses))
                .env("STAGECRED_ONCE", "true")
                .env("STAGECRED_OUTPUT_DIR", okOut.toString()));
    SidecarProcess refused =
        s.start(
            s.sidecar("once-denied", denied)
                .env("STAGECRED_ONCE", "true")
                .env("STAGECRED_OUTPUT_DIR", s.dir.resolve("out-denied").toString()));
    SidecarProcess timedOut =
        s.start(
            s.sidecar("once-flaky", flaky)
                .env("STAGECRED_ONCE", "true")
                .env("STAGECRED_ONCE_TIMEOUT", "10s")
                .env("STAGECRED_OUTPUT_DIR", s.dir.resolve("out-flaky").toString()));
    SidecarProcess misconfigured =
        s.start(
            s.sidecar("once-nostage", ok)
                .without("STAGECRED_STAGE")
                .env("STAGECRED_ENDPOINT_PORT", "nine")
                .env("STAGECRED_ONCE", "true")
                .env("STAGECRED_OUTPUT_DIR", s.dir.resolve("out-nostage").toString()));

    // A typed setting the framework would fail to convert is answered before Quarkus starts.
    SidecarProcess mistyped =
        s.start(
            s.sidecar("once-mistyped", ok)
                .env("STAGECRED_STS_CALL_TIMEOUT", "soon")
                .env("STAGECRED_ONCE", "true")
                .env("STAGECRED_OUTPUT_DIR", s.dir.resolve("out-mistyped").toString()));

    for (SidecarProcess p : List.of(written, refused, timedOut, misconfigured, mistyped)) {
      assertThat(p.waitForExit(STARTUP)).as("%s exited", p.name()).isTrue();
    }

    assertThat(written.process().exitValue()).as("exit code after writing").isZero();
    OutputFiles.readChecked(okOut, STAGE, "ONCE output");
    assertThat(okOut.resolve("endpoint-token"))
        .as("no endpoint was asked for, so no token file")
        .doesNotExist();
    assertNoKubernetesClient(okClasses, "STAGECRED_ROLE_ARN");

    assertThat(refused.process().exitValue()).as("exit code after AccessDenied").isEqualTo(1);
    assertLogged(
        refused,
        l -> l.contains("AccessDenied") && l.contains(denied),
        "AccessDenied and the role");

    assertThat(timedOut.process().exitValue())
        .as("exit code after STAGECRED_ONCE_TIMEOUT")
        .isEqualTo(1);
    assertLogged(timedOut, "giving up (STAGECRED_ONCE)");
    assertLogged(timedOut, "still failing after STAGECRED_ONCE_TIMEOUT=10s");
    // Not a speed threshold but the contract's lower bound: the sidecar logs "serving" before it
    // starts the timeout and may log "giving up" only once the timeout has passed, so however
    // slow the machine, the two log times are at least the timeout apart (less 1 ms of rounding).
    assertThat(
            between(logTime(timedOut, "serving stage"), logTime(timedOut, "giving up"))
                .plusMillis(1))
        .as("time between the start of ONCE mode and giving up")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
    assertThat(s.sts.calls().stream().filter(c -> flaky.equals(c.roleArn())).count())
        .as("calls the ONCE sidecar made before its timeout")
        .isGreaterThan(2);

    assertThat(misconfigured.process().exitValue())
        .as("exit code for a missing STAGECRED_STAGE and a non-numeric port")
        .isEqualTo(2);
    assertLogged(misconfigured, "STAGECRED_STAGE is not set");
    assertThat(mistyped.process().exitValue())
        .as("exit code for a malformed duration")
        .isEqualTo(2);
    assertLogged(
        mistyped,
        "STAGECRED_STS_CALL_TIMEOUT (stagecred.sts.call-timeout)='soon' is not a duration");
    assertLogged(misconfigured, "STAGECRED_ENDPOINT_PORT='nine' is not a whole number");
  }

  @Test
  void sigtermStopsTheSidecarCleanly() {
    Scenario s = scenario("sigterm", ROLE);
    SidecarProcess sidecar = s.start(s.sidecar("sigterm", ROLE).endpoint());
    s.await("readiness UP").until(() -> sidecar.readiness().status() == 200);

    sidecar.process().destroy(); // SIGTERM on Linux
    assertThat(sidecar.waitForExit(Duration.ofSeconds(30))).as("exited after SIGTERM").isTrue();
    assertLogged(sidecar, "stagecred sidecar stopped");
    assertThat(sidecar.logText().lines().filter(SidecarProcessIT::stackTraceLine).count())
        .as("stack trace lines in %s", sidecar.log())
        .isZero();
  }

  @Test
  void aPatternStageResolvesFromADefinitionFile() {
    Scenario s = scenario("definition", PREVIEW);
    Path definition = Path.of("deploy/examples/deploymentcredential.yaml").toAbsolutePath();
    Path classes = s.dir.resolve("definition-classes.txt");
    SidecarProcess sidecar =
        s.start(
            s.sidecar("definition", PREVIEW)
                .flags(withClassLoadLog(classes))
                .without("STAGECRED_ROLE_ARN")
                .without("STAGECRED_DURATION_SECONDS")
                .without("AWS_REGION")
                .env("STAGECRED_DEFINITION_FILE", definition.toString()));
    s.await("the files").until(() -> OutputFiles.allPresent(s.out));

    OutputFiles.readChecked(s.out, STAGE, "definition file");
    assertThat(s.sts.calls())
        .as("STS calls")
        .anyMatch(
            c ->
                c.action().equals("AssumeRoleWithWebIdentity")
                    && PREVIEW.equals(c.roleArn())
                    && c.ok());
    assertThat(
            DeployPod.callerFromCredentialsFile(
                s.out.resolve("credentials"), STAGE, s.sts.endpoint()))
        .startsWith("arn:aws:sts::111111111111:assumed-role/deploy-preview/");
    assertLogged(sidecar, "entry 'pr-*'");
    assertNoKubernetesClient(classes, "STAGECRED_DEFINITION_FILE");
  }

  /** The image's flags, plus the JVM's log of every class it loads, into {@code file}. */
  private static List<String> withClassLoadLog(Path file) {
    List<String> flags = new ArrayList<>(SidecarProcess.IMAGE_FLAGS);
    flags.add("-Xlog:class+load=info:file=" + file);
    return flags;
  }

  /**
   * A sidecar that reads no DeploymentCredential builds no Kubernetes client: it needs no cluster
   * access, and the client's start-up costs time and memory in every deploy pod.
   */
  private static void assertNoKubernetesClient(Path classLoadLog, String roleSource) {
    String client = "io.fabric8.kubernetes.client.impl.KubernetesClientImpl";
    // Guards against a renamed class turning this check into one that always passes.
    assertThat(
            SidecarProcessIT.class
                .getClassLoader()
                .getResource(client.replace('.', '/') + ".class"))
        .as("%s exists in this Fabric8 version", client)
        .isNotNull();
    // Booleans, not string assertions: a failure would print the whole log of ~7000 classes.
    String log = OutputFiles.read(classLoadLog);
    assertThat(log.contains("io.stagecred.sidecar.SidecarMode "))
        .as("%s lists the sidecar's own classes", classLoadLog)
        .isTrue();
    assertThat(log.contains(client + " "))
        .as("a sidecar on %s loaded the Kubernetes client (see %s)", roleSource, classLoadLog)
        .isFalse();
  }

  @Test
  void aDeployProcessKeepsWorkingAcrossSeveralCredentialLifetimes() {
    Scenario s = scenario("deploy", ROLE);
    SidecarProcess sidecar = s.start(s.sidecar("deploy-sidecar", ROLE).endpoint());
    s.await("readiness UP").until(() -> sidecar.readiness().status() == 200);

    Map<String, String> env = endpointEnv(s, sidecar);
    env.put("AWS_CONFIG_FILE", s.out.resolve("config").toString());
    long seconds = LIFETIME.multipliedBy(4).toSeconds();
    List<String> args =
        new ArrayList<>(
            List.of(
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                // The SDK logs through JBoss Logging on this classpath, which wants its manager.
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"));
    args.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            DeployProcess.class.getName(),
            Long.toString(seconds),
            s.sts.endpoint().toString(),
            STAGE + "-process"));
    Process deploy = SidecarProcess.startJava("deploy-process", args, env);
    children.add(() -> SidecarProcess.stop(deploy, Duration.ofSeconds(5)));

    assertThat(waitFor(deploy, STARTUP.plusSeconds(seconds)))
        .as("the deploy process finished")
        .isTrue();
    String out = OutputFiles.read(SidecarProcess.WORK.resolve("deploy-process.log"));
    assertThat(deploy.exitValue()).as("deploy process exit code").isZero();
    // FAIL lines carry an exception class, an error code and an access key id: safe to show.
    assertThat(out.lines().filter(l -> l.contains(" FAIL "))).as("failed calls").isEmpty();

    List<Call> calls = s.sts.calls();
    RenewedKeys.assertEveryRouteRenewedAndVerified(out, List.of("endpoint", "process"), calls);
    assertThat(
            calls.stream()
                .filter(c -> c.action().equals("GetCallerIdentity") && !c.ok())
                .map(Call::outcome))
        .as("GetCallerIdentity calls the emulator refused")
        .isEmpty();
  }

  @Test
  void nodeDeployProcessesOnTheSdkDefaultChainsKeepWorkingThroughTheEndpoint() {
    Path js = Path.of("src", "test", "js").toAbsolutePath();
    assumeTrue(onPath("node"), "node is not on PATH");
    assumeTrue(
        Files.isDirectory(js.resolve("node_modules")),
        "src/test/js/node_modules is absent: run `npm ci --prefix src/test/js`");
    Scenario s = scenario("node", ROLE);
    SidecarProcess sidecar = s.start(s.sidecar("node-sidecar", ROLE).endpoint());
    s.await("readiness UP").until(() -> sidecar.readiness().status() == 200);

    // Only the endpoint variables: SDK JS v2 (Serverless v3) and v3 find it through their default
    // chains, as a deploy without profile or key variables does.
    Map<String, String> env = endpointEnv(s, sidecar);
    long seconds = LIFETIME.multipliedBy(4).toSeconds();
    Process node =
        SidecarProcess.start(
            SidecarProcess.WORK,
            "node-deploy-process",
            List.of(
                "node",
                js.resolve("endpoint-check.js").toString(),
                s.sts.endpoint().toString(),
                Long.toString(seconds)),
            env);
    children.add(() -> SidecarProcess.stop(node, Duration.ofSeconds(5)));

    assertThat(waitFor(node, STARTUP.plusSeconds(seconds))).as("node finished").isTrue();
    String out = OutputFiles.read(SidecarProcess.WORK.resolve("node-deploy-process.log"));
    assertThat(out.lines().filter(l -> l.contains(" FAIL "))).as("failed calls").isEmpty();
    assertThat(node.exitValue()).as("node exit code").isZero();
    RenewedKeys.assertEveryRouteRenewedAndVerified(out, List.of("v2", "v3"), s.sts.calls());
  }

  /** The endpoint variables of a deploy container, and nothing else of AWS. */
  private static Map<String, String> endpointEnv(Scenario s, SidecarProcess sidecar) {
    Map<String, String> env = new HashMap<>(SidecarProcess.baseEnv());
    env.put(
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "http://127.0.0.1:" + sidecar.endpointPort() + "/credentials");
    env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", s.out.resolve("endpoint-token").toString());
    return env;
  }

  private static boolean onPath(String command) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
  }

  // ---------------------------------------------------------------------------------------------

  /** One test's emulator, identity, folders and sidecars. */
  private final class Scenario {
    final String name;
    final Path dir;
    final Path out;
    final Path tokenFile;
    final StsEmulator sts;
    private SidecarProcess last;

    Scenario(String name, String... roles) {
      this.name = name;
      this.dir = SidecarProcess.WORK.resolve(name);
      this.out = dir.resolve("out");
      this.tokenFile = dir.resolve("token");
      JwtIssuer issuer = new JwtIssuer();
      this.sts = StsEmulator.builder().trust(issuer).build().start();
      for (String role : roles) {
        sts.allowWebIdentity(role, SUBJECT, AUDIENCE).lifetimeDivisor(role, DIVISOR);
      }
      try {
        deleteRecursively(dir);
        Files.createDirectories(dir);
        Instant now = Instant.now();
        Files.writeString(tokenFile, issuer.mint(SUBJECT, AUDIENCE, now, now.plusSeconds(3600)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** The contract's variables for {@code role}, with quick retries. */
    SidecarProcess.Builder sidecar(String logName, String role) {
      return SidecarProcess.sidecar(logName)
          .env("STAGECRED_STAGE", STAGE)
          .env("STAGECRED_ROLE_ARN", role)
          .env("AWS_REGION", "us-east-1")
          .env("STAGECRED_DURATION_SECONDS", Integer.toString(DURATION_SECONDS))
          .env("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString())
          .env("AWS_ENDPOINT_URL_STS", sts.endpoint().toString())
          .env("STAGECRED_OUTPUT_DIR", out.toString())
          // Quick retries, and a low cap so that recovery after a long outage is quick too.
          .env("STAGECRED_RENEWAL_RETRY_INITIAL", "1s")
          .env("STAGECRED_RENEWAL_RETRY_MAX", "2s");
    }

    SidecarProcess start(SidecarProcess.Builder builder) {
      SidecarProcess p = builder.start();
      children.add(p);
      last = p;
      return p;
    }

    SidecarProcess sidecar() {
      return last;
    }

    /** The endpoint token the sidecar generated, once it exists. */
    String endpointToken() {
      Path file = out.resolve("endpoint-token");
      await("the endpoint token file").until(() -> Files.isRegularFile(file));
      return OutputFiles.read(file).strip();
    }

    /** Awaitility, bounded, failing at once when this scenario's last sidecar has stopped. */
    ConditionFactory await(String alias) {
      ConditionFactory bounded = Awaitility.await(alias).atMost(STARTUP);
      SidecarProcess p = last;
      return p == null
          ? bounded
          : bounded.failFast(
              p.name() + " stopped unexpectedly (see " + p.log() + ")",
              () -> !p.process().isAlive());
    }

    long failedCalls() {
      return sts.calls().stream().filter(c -> !c.ok()).count();
    }
  }

  private Scenario scenario(String name, String... roles) {
    Scenario s = new Scenario(name, roles);
    scenarios.add(s);
    return s;
  }

  private static void assertRunning(SidecarProcess p) {
    assertThat(p.process().isAlive()).as("%s is running (see %s)", p.name(), p.log()).isTrue();
  }

  /**
   * Asserts a line of {@code p}'s log matches. A failure names the log file instead of quoting the
   * log, so that a report never carries what a faulty sidecar might have printed.
   */
  private static void assertLogged(SidecarProcess p, Predicate<String> line, String what) {
    assertThat(p.logText().lines().anyMatch(line))
        .as("%s logged a line with %s (see %s)", p.name(), what, p.log())
        .isTrue();
  }

  private static void assertLogged(SidecarProcess p, String text) {
    assertLogged(p, l -> l.contains(text), "'" + text + "'");
  }

  /** When the first line containing {@code text} was logged ("HH:mm:ss.SSS" at its start). */
  /**
   * A line of a printed stack trace. Log messages may name an exception class (an STS call cut
   * short by the shutdown is logged as such); a trace starts a line with the class or "\tat ".
   */
  private static boolean stackTraceLine(String line) {
    return line.startsWith("\tat ")
        || line.matches("(Caused by: )?[\\w.$]+(Exception|Error)(: .*)?");
  }

  /** Time from {@code a} to {@code b}, two log times less than a day apart. */
  private static Duration between(LocalTime a, LocalTime b) {
    Duration d = Duration.between(a, b);
    return d.isNegative() ? d.plusDays(1) : d;
  }

  private static LocalTime logTime(SidecarProcess p, String text) {
    String line =
        p.logText()
            .lines()
            .filter(l -> l.contains(text))
            .findFirst()
            .orElseThrow(() -> new AssertionError(p.name() + " logged no line with: " + text));
    return LocalTime.parse(line.substring(0, 12));
  }

  private static JsonNode json(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new AssertionError("not a JSON body (" + body.length() + " chars)");
    }
  }

  private static boolean waitFor(Process p, Duration timeout) {
    try {
      return p.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The pace of an observation loop; never a substitute for waiting on a condition. */
  private static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
