package io.stagecred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The sidecar-injection webhook as the real API server calls it, over TLS, with the selectors,
 * failure policy and timeout of deploy/webhook.yaml: an annotated pod comes back injected, a pod
 * whose stage cannot be resolved is refused with the annotation to fix, a pod that does not opt in
 * never reaches the webhook, and pods keep being admitted while the certificate and its CA are
 * renewed.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class InjectionTest {

  /** Where the example's injected pod is kept for InjectedPodIT, which runs its containers. */
  static final Path INJECTED_EXAMPLE = Path.of("target", "injection", "example-pod.json");

  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final Pattern ADMISSIONS =
      Pattern.compile(
          "^stagecred_webhook_admissions_total\\{[^}]*result=\"(\\w+)\"[^}]*\\} (\\S+)$");

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  @TestHTTPResource("/q/metrics")
  URL metrics;

  @TestHTTPResource("/q/health/ready")
  URL readiness;

  private String ns;

  @BeforeEach
  void namespaceWithResourceAndWebhookServing() {
    ns = Fixtures.namespace(client, "inject");
    // No defaultStage: a stage that matches no entry cannot be resolved.
    client
        .resource(
            Fixtures.resource(
                ns,
                "orders",
                "deployer",
                Fixtures.stage("dev", Fixtures.DEV_ROLE),
                Fixtures.stage("pr-*", Fixtures.PREVIEW_ROLE)))
        .create();
    // Until the operator's first certificate check has written the caBundle, the API server
    // cannot call the webhook and refuses opted-in pods (failurePolicy Fail).
    await("the webhook admits pods")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .ignoreExceptionsInstanceOf(KubernetesClientException.class)
        .until(() -> injected(dryRun(pod(ns, "dev"))));
  }

  private static Pod pod(String namespace, String stage) {
    return pod(
        namespace,
        Map.of("stagecred.io/stage", stage, "stagecred.io/deployment-credential", "orders"));
  }

  private static Pod pod(String namespace, Map<String, String> annotations) {
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName("deploy-")
        .withNamespace(namespace)
        .withLabels(Map.of("stagecred.io/inject", "true"))
        .withAnnotations(annotations)
        .endMetadata()
        .withNewSpec()
        .withRestartPolicy("Never")
        .withServiceAccountName("deployer")
        .addNewContainer()
        .withName("deploy")
        .withImage("node:20-slim")
        .endContainer()
        .endSpec()
        .build();
  }

  private Pod dryRun(Pod pod) {
    return client
        .pods()
        .inNamespace(pod.getMetadata().getNamespace())
        .resource(pod)
        .dryRun()
        .create();
  }

  private Pod create(Pod pod) {
    return client.pods().inNamespace(pod.getMetadata().getNamespace()).resource(pod).create();
  }

  private static boolean injected(Pod pod) {
    return Optional.ofNullable(pod.getSpec().getInitContainers()).orElse(List.of()).stream()
        .anyMatch(c -> "stagecred".equals(c.getName()));
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    c.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
    return env;
  }

  private KubernetesClientException refused(Pod pod) {
    return catchThrowableOfType(KubernetesClientException.class, () -> create(pod));
  }

  private static String get(URL url) throws IOException, InterruptedException {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create(url.toString())).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** stagecred_webhook_admissions_total by result, from the operator's /q/metrics. */
  private Map<String, Double> admissions() throws IOException, InterruptedException {
    String text = get(metrics);
    Map<String, Double> counts = new LinkedHashMap<>();
    for (String line : text.lines().toList()) {
      Matcher m = ADMISSIONS.matcher(line);
      if (m.matches()) {
        counts.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    }
    return counts;
  }

  // ---------------------------------------------------------------------------------------------

  @Test
  void theAnnotatedExampleJobsPodIsAdmittedWithTheSidecarInjected() throws IOException {
    kubernetesApply("deploy/examples/deploymentcredential.yaml");
    Job job =
        JSON.unmarshal(
            Files.readString(Path.of("deploy/examples/serverless-injected-job.yaml")), Job.class);
    PodTemplateSpec template = job.getSpec().getTemplate();
    Pod pod =
        new PodBuilder()
            .withMetadata(template.getMetadata())
            .editMetadata()
            .withGenerateName(job.getMetadata().getName() + "-")
            .withNamespace(job.getMetadata().getNamespace())
            .endMetadata()
            .withSpec(template.getSpec())
            .build();

    Pod stored = create(pod);

    assertThat(stored.getSpec().getInitContainers())
        .extracting(Container::getName)
        .containsExactly("stagecred");
    Container sidecar = stored.getSpec().getInitContainers().get(0);
    assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
    assertThat(env(sidecar))
        .containsEntry("STAGECRED_STAGE", "pr-42")
        .containsEntry("STAGECRED_DEPLOYMENT_CREDENTIAL", "orders")
        .containsEntry("STAGECRED_NAMESPACE", "ci");
    Container deploy = stored.getSpec().getContainers().get(0);
    assertThat(env(deploy))
        .containsEntry("HOME", "/workspace")
        .containsEntry("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9911/credentials")
        .containsEntry("AWS_REGION", "us-east-1");
    assertThat(stored.getSpec().getVolumes())
        .extracting(v -> v.getName())
        .containsExactly(
            "service",
            "workspace",
            "stagecred",
            "stagecred-tmp",
            "stagecred-token",
            "stagecred-kube-api");
    assertThat(stored.getMetadata().getAnnotations())
        .containsEntry("eks.amazonaws.com/skip-containers", "deploy")
        .hasEntrySatisfying(
            "stagecred.io/injected",
            v ->
                assertThat(v)
                    .contains("stage pr-42", "DeploymentCredential ci/orders, entry 'pr-*'"));

    // InjectedPodIT runs these containers as processes, as a kubelet would.
    Files.createDirectories(INJECTED_EXAMPLE.getParent());
    Files.writeString(INJECTED_EXAMPLE, JSON.asJson(stored));
  }

  private void kubernetesApply(String file) {
    world.kubernetes().kubectl("apply", "-f", file);
  }

  @Test
  void theOperatorIsReadyOnlyWhileItsWebhookServes() throws Exception {
    JsonNode checks = JSON.unmarshal(get(readiness), JsonNode.class).path("checks");
    assertThat(checks.toString()).contains("stagecred-webhook");
    for (JsonNode check : checks) {
      if ("stagecred-webhook".equals(check.path("name").asText())) {
        assertThat(check.path("status").asText()).isEqualTo("UP");
      }
    }
    Map<String, Double> counts = admissions();
    assertThat(counts.getOrDefault("injected", 0.0))
        .as("admissions counted as injected so far")
        .isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void aStageThatCannotBeResolvedIsRefusedWithTheAnnotationToFix() {
    KubernetesClientException e = refused(pod(ns, "qa"));
    assertThat(e.getCode()).isEqualTo(403);
    assertThat(e.getMessage())
        .contains("admission webhook \"inject.stagecred.io\" denied the request")
        .contains("annotation stagecred.io/stage (qa): DeploymentCredential " + ns + "/orders");

    KubernetesClientException missing =
        refused(
            pod(
                ns,
                Map.of(
                    "stagecred.io/stage",
                    "dev",
                    "stagecred.io/deployment-credential",
                    "payments")));
    assertThat(missing.getMessage())
        .contains("names DeploymentCredential " + ns + "/payments, which does not exist");

    KubernetesClientException contradictory =
        refused(
            pod(
                ns,
                Map.of(
                    "stagecred.io/stage",
                    "dev",
                    "stagecred.io/deployment-credential",
                    "orders",
                    "stagecred.io/role-arn",
                    Fixtures.DEV_ROLE)));
    assertThat(contradictory.getMessage())
        .contains(
            "annotations stagecred.io/deployment-credential and stagecred.io/role-arn contradict");
    assertThat(client.pods().inNamespace(ns).list().getItems()).as("nothing was created").isEmpty();
  }

  @Test
  void podsThatDoNotOptInNeverReachTheWebhook() throws Exception {
    // Annotations the webhook would refuse: had it been asked, these pods would not exist.
    Map<String, String> refusable = Map.of("stagecred.io/stage", "NOT_A_STAGE");
    Map<String, Double> before = admissions();

    Pod unlabelled = pod(ns, refusable);
    unlabelled.getMetadata().setLabels(Map.of("app", "deploy"));
    Pod storedUnlabelled = create(unlabelled);

    String optedOut = Fixtures.uniqueNamespace("inject-off");
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(optedOut)
                .withLabels(Map.of("stagecred.io/inject", "disabled"))
                .endMetadata()
                .build())
        .create();
    Pod storedOptedOut = create(pod(optedOut, refusable));

    assertThat(injected(storedUnlabelled)).isFalse();
    assertThat(injected(storedOptedOut)).isFalse();
    assertThat(storedUnlabelled.getMetadata().getAnnotations())
        .doesNotContainKey("stagecred.io/injected");
    assertThat(admissions()).as("admissions the webhook answered").isEqualTo(before);
  }

  @Test
  void podsKeepBeingAdmittedWhileTheCertificateAndItsCaAreRenewed() throws Exception {
    Set<String> served = new LinkedHashSet<>();
    Set<String> issuers = new LinkedHashSet<>();
    List<Long> micros = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    Instant start = Instant.now();
    // The CA lives 90 s and its successor signs 5 s after it joined the bundle at 60 s; serving
    // certificates are renewed every 20 s: within two CA lifetimes both must have happened.
    Instant deadline = start.plus(WorldResource.WEBHOOK_CA_VALIDITY.multipliedBy(2));
    Instant nextLook = start;
    while (Instant.now().isBefore(deadline) && !(served.size() >= 3 && issuers.size() >= 2)) {
      long t0 = System.nanoTime();
      try {
        Pod out = dryRun(pod(ns, "pr-" + (micros.size() % 1000)));
        micros.add((System.nanoTime() - t0) / 1000);
        if (!injected(out)) {
          failures.add("admitted without the sidecar");
        }
      } catch (KubernetesClientException e) {
        failures.add("HTTP " + e.getCode() + ": " + e.getStatus());
      }
      // Fifty admissions a second at most: enough load, and an audit log of sensible size.
      Thread.sleep(20);
      if (!Instant.now().isBefore(nextLook)) {
        try {
          X509Certificate cert = servedCertificate();
          served.add(fingerprint(cert));
          issuers.add(cert.getIssuerX500Principal().getName());
        } catch (IOException e) {
          failures.add(Instant.now() + " TLS handshake with the webhook: " + e);
        }
        nextLook = Instant.now().plusMillis(100);
      }
    }
    assertThat(failures).as("admissions that failed during renewals").isEmpty();
    assertThat(served)
        .as("serving certificates seen on the webhook's port")
        .hasSizeGreaterThanOrEqualTo(3);
    assertThat(issuers).as("CAs that signed them").hasSizeGreaterThanOrEqualTo(2);
    assertThat(micros).hasSizeGreaterThanOrEqualTo(200);
    assertBundleNamesServingCa();

    List<Long> sorted = micros.stream().sorted().toList();
    System.out.printf(
        "webhook admission through the API server (dry-run pod create): n=%d p50=%.1f ms p99=%.1f ms"
            + " max=%.1f ms over %s%n",
        sorted.size(),
        sorted.get(sorted.size() / 2) / 1000.0,
        sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1000.0,
        sorted.get(sorted.size() - 1) / 1000.0,
        Duration.between(start, Instant.now()).withNanos(0));
  }

  /** The configuration's caBundle names the CA of the certificate being served. */
  private void assertBundleNamesServingCa() throws Exception {
    String bundle =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName("stagecred")
            .get()
            .getWebhooks()
            .get(0)
            .getClientConfig()
            .getCaBundle();
    String pem = new String(Base64.getDecoder().decode(bundle), StandardCharsets.US_ASCII);
    Secret tls =
        client
            .secrets()
            .inNamespace(Installation.NAMESPACE)
            .withName("stagecred-webhook-tls")
            .get();
    String caPem =
        new String(
            Base64.getDecoder().decode(tls.getData().get("ca.crt")), StandardCharsets.US_ASCII);
    assertThat(pem).as("the caBundle holds the signing CA").contains(caPem.strip());
    assertThat(servedCertificate().getIssuerX500Principal().getName()).isIn(issuersOf(pem));
  }

  private static List<String> issuersOf(String pem) throws Exception {
    return CertificateFactory.getInstance("X.509")
        .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
        .stream()
        .map(c -> ((X509Certificate) c).getSubjectX500Principal().getName())
        .toList();
  }

  /** The certificate the webhook's port presents now, read in a TLS handshake. */
  private X509Certificate servedCertificate() throws Exception {
    X509Certificate[] seen = new X509Certificate[1];
    TrustManager recorder =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("a client only");
          }

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {
            seen[0] = chain[0]; // only read, never trusted for anything
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new TrustManager[] {recorder}, new SecureRandom());
    try (SSLSocket socket =
        (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", world.webhookPort())) {
      socket.startHandshake();
    }
    return seen[0];
  }

  private static String fingerprint(X509Certificate cert) throws Exception {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theWebhookNeverAnswersWithAPatchForAPodThatAlreadyHasTheSidecar() {
    Pod once = create(pod(ns, "dev"));
    assertThat(injected(once)).isTrue();
    // A pod created from an injected one (as a controller copying a live pod would) is admitted
    // as it is, not injected twice.
    Pod copy =
        new PodBuilder(once)
            .editMetadata()
            .withName(null)
            .withResourceVersion(null)
            .withUid(null)
            .withCreationTimestamp(null)
            .withGenerateName("copy-")
            .endMetadata()
            .withStatus(null)
            .build();
    Pod stored = create(copy);
    assertThat(stored.getSpec().getInitContainers()).hasSize(1);
    assertThat(stored.getSpec().getVolumes()).hasSameSizeAs(once.getSpec().getVolumes());
    assertThat(stored.getSpec().getContainers().get(0).getEnv())
        .isEqualTo(once.getSpec().getContainers().get(0).getEnv());
  }
}
