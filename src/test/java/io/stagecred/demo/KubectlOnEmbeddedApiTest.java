package io.stagecred.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.StageSpec;
import io.stagecred.controlplane.Binaries;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pinned real kubectl (v1.34.4, from src/test/controlplane/build.sh) against the demo's
 * embedded API, through the kubeconfig the demo writes: discovery, the tables of {@code kubectl
 * get}, {@code kubectl describe} with its events, and no Secret value anywhere.
 */
class KubectlOnEmbeddedApiTest {

  /**
   * The embedded API's clock runs this far ahead of kubectl's, so ages the server renders (tables)
   * and ages kubectl computes itself (describe) cannot be mistaken for one another.
   */
  private static final Duration API_AHEAD = Duration.ofMinutes(187);

  private static final String SECRET_VALUE = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzTESTVALUE";

  @TempDir static Path dir;

  private static EmbeddedKubernetes api;
  private static Path kubectl;
  private static Path kubeconfig;
  private static String nextRenewal;

  @BeforeAll
  static void startTheApiAndFillIt() throws IOException {
    kubectl = Binaries.kubectl();
    Clock clock = Clock.offset(Clock.systemUTC(), API_AHEAD);
    api = new EmbeddedKubernetes((subject, audience, issued, expires) -> "unused", clock).start();
    kubeconfig = DemoBootstrap.writeKubeconfig(dir.resolve("out"), api.url());
    Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    nextRenewal = now.plus(Duration.ofMinutes(42)).toString();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl(api.url()).build())
            .build()) {
      // As in the demo: the CRD first, so the mock treats status as a subresource.
      try (InputStream crd =
          KubectlOnEmbeddedApiTest.class.getClassLoader().getResourceAsStream(CrdFacts.RESOURCE)) {
        client.load(crd).create();
      }
      for (String ns : List.of("ci", "team-b")) {
        client
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      DeploymentCredential orders = client.resource(credential("ci", "orders")).create();
      DeploymentCredentialStatus status = new DeploymentCredentialStatus();
      status.setReadyStages("2/2");
      status.setNextRenewal(nextRenewal);
      status.setConditions(
          List.of(
              new ConditionBuilder()
                  .withType("Ready")
                  .withStatus("True")
                  .withReason("CredentialsIssued")
                  .withMessage("all 2 stages hold valid credentials")
                  .withLastTransitionTime(now.toString())
                  .build()));
      orders.setStatus(status);
      client.resource(orders).updateStatus();
      // Not reconciled yet: no status, so its columns stay empty.
      client.resource(credential("team-b", "billing")).create();

      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName("orders-dev")
                  .withNamespace("ci")
                  .endMetadata()
                  .withType("Opaque")
                  .withData(
                      Map.of(
                          "credentials", base64("[dev]\naws_secret_access_key = " + SECRET_VALUE),
                          "AWS_SECRET_ACCESS_KEY", base64(SECRET_VALUE),
                          "AWS_REGION", base64("us-east-1")))
                  .build())
          .create();
      client
          .resource(
              event(
                  orders,
                  "orders.issued",
                  "CredentialsIssued",
                  "stage dev: issued credentials into Secret orders-dev",
                  now))
          .create();
      // About an earlier object of the same name (another uid): describe must leave it out.
      DeploymentCredential earlier = credential("ci", "orders");
      earlier.getMetadata().setUid("uid-of-an-earlier-orders");
      client
          .resource(
              event(
                  earlier,
                  "orders.refused",
                  "AccessDenied",
                  "stage prod: STS refused the role",
                  now))
          .create();
    }
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void getDcredPrintsTheCrdColumnsWithValuesFromTheStatus() {
    List<List<String>> table = table(kubectl("get", "dcred", "-n", "ci"));

    assertThat(table.get(0)).containsExactly("NAME", "AGE", "READY", "NEXT RENEWAL", "STAGES");
    // The age comes from the API's clock: the server renders a date column as an age.
    assertThat(table.subList(1, table.size()))
        .containsExactly(List.of("orders", "3h7m", "True", nextRenewal, "2/2"));
  }

  @Test
  void getDcredInAllNamespacesAddsTheNamespaceAndLeavesMissingStatusEmpty() {
    List<List<String>> table = table(kubectl("get", "dcred", "-A"));

    assertThat(table.get(0))
        .containsExactly("NAMESPACE", "NAME", "AGE", "READY", "NEXT RENEWAL", "STAGES");
    assertThat(table.subList(1, table.size()))
        .containsExactly(
            List.of("ci", "orders", "3h7m", "True", nextRenewal, "2/2"),
            // Null cells, as a real server sends for a path that finds nothing: kubectl prints
            // them blank.
            List.of("team-b", "billing", "3h7m"));
  }

  @Test
  void describeShowsTheStatusAndOnlyTheEventsOfThatObject() {
    String out = kubectl("describe", "dcred", "orders", "-n", "ci");

    assertThat(out)
        .contains("Name:         orders")
        .contains("Kind:         DeploymentCredential")
        .containsPattern("Ready Stages: +2/2")
        .containsPattern("Next Renewal: +" + nextRenewal);
    String events = out.substring(out.indexOf("Events:"));
    // kubectl computes these ages itself, from its own clock.
    assertThat(events)
        .containsPattern(
            "Normal +CredentialsIssued +12m \\(x3 over 40m\\) +stagecred-operator +stage dev:"
                + " issued credentials into Secret orders-dev")
        .doesNotContain("AccessDenied")
        .doesNotContain("STS refused");
  }

  @Test
  void getEventsPrintsTheApiServersColumns() {
    List<List<String>> table = table(kubectl("get", "events", "-n", "ci"));

    assertThat(table.get(0)).containsExactly("LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE");
    assertThat(table.subList(1, table.size()))
        .containsExactly(
            List.of(
                "3h19m",
                "Normal",
                "CredentialsIssued",
                "deploymentcredential/orders",
                "stage dev: issued credentials into Secret orders-dev"),
            List.of(
                "3h19m",
                "Warning",
                "AccessDenied",
                "deploymentcredential/orders",
                "stage prod: STS refused the role"));
  }

  @Test
  void aFieldSelectorOnEventsFilters() {
    List<List<String>> table =
        table(kubectl("get", "events", "-n", "ci", "--field-selector", "type=Warning"));

    assertThat(table.subList(1, table.size()))
        .extracting(row -> row.get(2))
        .containsExactly("AccessDenied");
  }

  @Test
  void getSecretsShowsTypeAndKeyCountButNoValue() throws Exception {
    String out = kubectl("get", "secrets", "-n", "ci");
    List<List<String>> table = table(out);

    assertThat(table.get(0)).containsExactly("NAME", "TYPE", "DATA", "AGE");
    assertThat(table.subList(1, table.size()))
        .containsExactly(List.of("orders-dev", "Opaque", "3", "3h7m"));
    // --sort-by makes kubectl ask for whole objects in the table rows.
    String sorted = kubectl("get", "secrets", "-n", "ci", "--sort-by=.metadata.name");
    HttpResponse<String> raw =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            api.url() + "/api/v1/namespaces/ci/secrets?includeObject=Object"))
                    .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(raw.body()).contains("\"kind\":\"Table\"").contains("orders-dev");
    for (String text : List.of(out, sorted, raw.body())) {
      assertThat(text)
          .doesNotContain(SECRET_VALUE)
          .doesNotContain(base64(SECRET_VALUE))
          .doesNotContain(base64("[dev]\naws_secret_access_key = " + SECRET_VALUE));
    }
  }

  @Test
  void writingABuiltInKindFailsAtOnceInsteadOfHanging() {
    // kubectl sends built-in kinds as protobuf, which the mock cannot read.
    Result result = runKubectl("create", "configmap", "settings", "-n", "ci", "--from-literal=a=b");

    assertThat(result.exit()).isNotZero();
    assertThat(result.stderr()).contains("reads JSON and YAML only");
  }

  @Test
  void aBodyTheMockCannotParseGetsAnErrorThatQuotesNothing() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(api.url() + "/api/v1/namespaces/ci/configmaps"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString("{\"data\": \"x\u0000" + SECRET_VALUE))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).contains("\"kind\":\"Status\"").doesNotContain(SECRET_VALUE);
  }

  private static DeploymentCredential credential(String namespace, String name) {
    DeploymentCredential r = new DeploymentCredential();
    r.setMetadata(new ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
    StageSpec dev = new StageSpec();
    dev.setName("dev");
    dev.setRoleArn("arn:aws:iam::111111111111:role/deploy-dev");
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    spec.setRegion("us-east-1");
    spec.setStages(List.of(dev));
    r.setSpec(spec);
    return r;
  }

  /** An Event like the operator's: three occurrences, the first 40 and the last 12 minutes ago. */
  private static io.fabric8.kubernetes.api.model.Event event(
      DeploymentCredential about, String name, String reason, String message, Instant now) {
    return new EventBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(about.getMetadata().getNamespace())
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion("stagecred.io/v1alpha1")
        .withKind("DeploymentCredential")
        .withName(about.getMetadata().getName())
        .withNamespace(about.getMetadata().getNamespace())
        .withUid(about.getMetadata().getUid())
        .endInvolvedObject()
        .withType(reason.equals("AccessDenied") ? "Warning" : "Normal")
        .withReason(reason)
        .withMessage(message)
        .withCount(3)
        .withFirstTimestamp(now.minus(Duration.ofMinutes(40)).toString())
        .withLastTimestamp(now.minus(Duration.ofMinutes(12)).toString())
        .withNewSource()
        .withComponent("stagecred-operator")
        .endSource()
        .withReportingComponent("stagecred-operator")
        .build();
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(UTF_8));
  }

  /** kubectl's columns are separated by at least two spaces (single spaces occur inside cells). */
  private static List<List<String>> table(String out) {
    List<List<String>> rows = new ArrayList<>();
    for (String line : out.strip().split("\n")) {
      rows.add(List.of(line.strip().split(" {2,}")));
    }
    return rows;
  }

  /** Runs the pinned kubectl with the demo's kubeconfig; fails on any exit code or stderr text. */
  private static String kubectl(String... args) {
    Result result = runKubectl(args);
    assertThat(result.exit()).as("kubectl %s\n%s", List.of(args), result.stderr()).isZero();
    assertThat(result.stderr()).as("stderr of kubectl %s", List.of(args)).isBlank();
    return result.stdout();
  }

  private static Result runKubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(kubectl.toString());
    // Its own discovery cache, so no earlier run (and no other port) can answer for the server.
    command.add("--cache-dir=" + dir.resolve("kube-cache"));
    command.addAll(List.of(args));
    return run(command, Map.of("KUBECONFIG", kubeconfig.toString()), Duration.ofSeconds(30));
  }

  private record Result(int exit, String stdout, String stderr) {}

  private static Result run(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile(dir, "run", ".out");
      Path err = Files.createTempFile(dir, "run", ".err");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(command + " timed out");
      }
      return new Result(
          process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
