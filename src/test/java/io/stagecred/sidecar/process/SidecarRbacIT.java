package io.stagecred.sidecar.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.controlplane.AuditLog;
import io.stagecred.controlplane.ControlPlane;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.it.Fixtures;
import io.stagecred.it.Installation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged sidecar against a real API server with a real token of service account
 * ci/orders-deployer, bound only by deploy/examples/sidecar-rbac.yaml: it reads its own
 * DeploymentCredential and gets credentials, and is refused, with the fix and exit code 1, for a
 * resource the Role does not name.
 */
class SidecarRbacIT {

  private static final String SUBJECT = "system:serviceaccount:ci:orders-deployer";
  private static ControlPlane kubernetes;
  private static StsEmulator sts;
  private static Path work;
  private static String apiToken;

  @BeforeAll
  static void setUp() throws IOException {
    kubernetes = Installation.installed();
    kubernetes.kubectl("apply", "-f", "deploy/examples/deploymentcredential.yaml");
    kubernetes.kubectl("apply", "-f", "deploy/examples/sidecar-rbac.yaml");
    KubernetesClient admin = kubernetes.admin();
    if (admin.resources(DeploymentCredential.class).inNamespace("ci").withName("payments").get()
        == null) {
      admin
          .resource(
              Fixtures.resource(
                  "ci", "payments", "orders-deployer", Fixtures.stage("dev", Fixtures.DEV_ROLE)))
          .create();
    }
    DeploymentCredential orders =
        admin.resources(DeploymentCredential.class).inNamespace("ci").withName("orders").get();
    sts = StsEmulator.builder().build().start();
    sts.trustDiscovered(URI.create(kubernetes.issuer()), kubernetes.trust().sslContext());
    orders
        .getSpec()
        .getStages()
        .forEach(s -> sts.allowWebIdentity(s.getRoleArn(), SUBJECT, "sts.amazonaws.com"));
    work = Files.createDirectories(SidecarProcess.WORK.resolve("rbac"));
    // The pod's projected web-identity token, as IRSA mounts it.
    Files.writeString(
        work.resolve("web-identity-token"),
        kubernetes.token("ci", "orders-deployer", "sts.amazonaws.com", Duration.ofHours(1)));
    apiToken = kubernetes.token("ci", "orders-deployer", null, Duration.ofHours(1));
  }

  @AfterAll
  static void tearDown() throws IOException {
    // SidecarLogLeakIT scans the sidecars' logs for these after every IT.
    List<String> material = new ArrayList<>(sts.secretMaterial());
    material.add(apiToken);
    material.add(Files.readString(work.resolve("web-identity-token")));
    SecretLeaks.save("rbac", material);
    sts.close();
  }

  private static SidecarProcess once(String resource) {
    return SidecarProcess.sidecar("rbac-" + resource)
        .env(
            Map.of(
                "STAGECRED_STAGE",
                "dev",
                "STAGECRED_DEPLOYMENT_CREDENTIAL",
                resource,
                "STAGECRED_NAMESPACE",
                "ci",
                "STAGECRED_ONCE",
                "true",
                "STAGECRED_OUTPUT_DIR",
                work.resolve(resource).toString(),
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                work.resolve("web-identity-token").toString(),
                "AWS_REGION",
                "us-east-1",
                "AWS_ENDPOINT_URL_STS",
                sts.endpoint().toString()))
        // The service account's API token, as the kubelet mounts it into the pod.
        .env("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", kubernetes.url())
        .env("QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", kubernetes.caFile().toString())
        .env("QUARKUS_KUBERNETES_CLIENT_TOKEN", apiToken)
        .start();
  }

  private static List<Integer> sidecarGets(String name) {
    return kubernetes.audit().by(SUBJECT).stream()
        .filter(e -> "deploymentcredentials".equals(e.resource()) && name.equals(e.name()))
        .peek(e -> assertThat(e.verb()).isEqualTo("get"))
        .map(AuditLog.Entry::code)
        .toList();
  }

  @Test
  void theSidecarReadsItsOwnResourceAndGetsCredentials() throws IOException {
    try (SidecarProcess sidecar = once("orders")) {
      assertThat(sidecar.waitForExit(Duration.ofSeconds(90))).as(sidecar.logText()).isTrue();
      assertThat(sidecar.process().exitValue()).as(sidecar.logText()).isZero();
    }
    assertThat(Files.readString(work.resolve("orders/credentials"))).contains("[dev]");
    // The audit log is written as each request completes, a moment after the client has its answer.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sidecarGets("orders")).containsOnly(200).isNotEmpty());
  }

  @Test
  void theSidecarIsRefusedAnotherResourceWithTheFix() {
    try (SidecarProcess sidecar = once("payments")) {
      assertThat(sidecar.waitForExit(Duration.ofSeconds(90))).as(sidecar.logText()).isTrue();
      assertThat(sidecar.process().exitValue()).as(sidecar.logText()).isEqualTo(1);
      assertThat(sidecar.logText())
          .contains("refused to let this pod read DeploymentCredential ci/payments (403)")
          .contains("deploy/examples/sidecar-rbac.yaml");
    }
    assertThat(work.resolve("payments/credentials")).doesNotExist();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(sidecarGets("payments")).containsOnly(403).isNotEmpty());
  }
}
