package io.stagecred.sidecar.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.controlplane.ControlPlane;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.inject.PodInjector;
import io.stagecred.it.Installation;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pod the real API server stored for deploy/examples/serverless-injected-job.yaml, with the
 * webhook's sidecar in it (written by InjectionTest), run as a kubelet would run it: the injected
 * sidecar's command, variables and mounts as a process of the packaged jar, its projected tokens
 * minted by the control plane for the pod's service account, then the deploy container's variables
 * for AWS SDK JS v2 and v3 on their default chains, across several credential lifetimes. Paths
 * inside the pod map to folders of this test; ports to free ports; the only addition is the STS
 * endpoint, which in a cluster is AWS's.
 */
class InjectedPodIT {

  private static final Path INJECTED = Path.of("target", "injection", "example-pod.json");
  private static final String NAMESPACE = "ci";

  /** 3600 s requested (pr-*'s default) divided by 300: each set of credentials lives 12 s. */
  private static final long DIVISOR = 300;

  private static final Duration LIFETIME = Duration.ofSeconds(3600 / DIVISOR);

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static ControlPlane kubernetes;
  private static StsEmulator sts;
  private static Path work;
  private static Pod pod;
  private static final List<String> material = new ArrayList<>();

  @BeforeAll
  static void setUp() throws IOException {
    assertThat(INJECTED)
        .as("InjectionTest (surefire, run before this by mvn verify) writes the injected pod")
        .exists();
    pod = JSON.unmarshal(Files.readString(INJECTED), Pod.class);
    kubernetes = Installation.installed();
    kubernetes.kubectl("apply", "-f", "deploy/examples/deploymentcredential.yaml");
    kubernetes.kubectl("apply", "-f", "deploy/examples/sidecar-rbac.yaml");
    sts = StsEmulator.builder().build().start();
    sts.trustDiscovered(URI.create(kubernetes.issuer()), kubernetes.trust().sslContext());
    String subject =
        "system:serviceaccount:" + NAMESPACE + ":" + pod.getSpec().getServiceAccountName();
    DeploymentCredential orders =
        kubernetes
            .admin()
            .resources(DeploymentCredential.class)
            .inNamespace(NAMESPACE)
            .withName("orders")
            .get();
    orders
        .getSpec()
        .getStages()
        .forEach(
            s ->
                sts.allowWebIdentity(s.getRoleArn(), subject, "sts.amazonaws.com")
                    .lifetimeDivisor(s.getRoleArn(), DIVISOR));
    work = SidecarProcess.WORK.resolve("injected");
    Files.createDirectories(work);
  }

  @AfterAll
  static void tearDown() {
    if (sts != null) {
      material.addAll(sts.secretMaterial());
      // SidecarLogLeakIT scans every IT's logs for these.
      SecretLeaks.save("injected", material);
      sts.close();
    }
  }

  private static Container sidecar() {
    return pod.getSpec().getInitContainers().stream()
        .filter(c -> c.getName().equals("stagecred"))
        .findFirst()
        .orElseThrow();
  }

  private static Volume volume(String name) {
    return pod.getSpec().getVolumes().stream()
        .filter(v -> v.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** Where each of {@code container}'s mounts lives in this test: a folder per volume. */
  private static Map<String, Path> mounts(Container container) {
    Map<String, Path> map = new LinkedHashMap<>();
    for (VolumeMount m : container.getVolumeMounts()) {
      map.put(m.getMountPath(), work.resolve(m.getName()));
    }
    return map;
  }

  /** {@code value} with a mount path at its start replaced by the mount's folder here. */
  private static String mapped(String value, Map<String, Path> mounts) {
    for (Map.Entry<String, Path> m : mounts.entrySet()) {
      if (value.equals(m.getKey()) || value.startsWith(m.getKey() + "/")) {
        return m.getValue() + value.substring(m.getKey().length());
      }
    }
    return value;
  }

  private static Map<String, String> env(Container container, Map<String, Path> mounts) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      assertThat(e.getValueFrom()).as("%s is a literal", e.getName()).isNull();
      env.put(e.getName(), mapped(e.getValue(), mounts));
    }
    return env;
  }

  /** Writes what the kubelet projects into {@code volume}: each service-account token's file. */
  private static void project(String volume, Path dir) throws IOException {
    Files.createDirectories(dir);
    for (VolumeProjection source : volume(volume).getProjected().getSources()) {
      ServiceAccountTokenProjection token = source.getServiceAccountToken();
      if (token != null) {
        String jwt =
            kubernetes.token(
                NAMESPACE,
                pod.getSpec().getServiceAccountName(),
                token.getAudience(),
                Duration.ofSeconds(token.getExpirationSeconds()));
        material.add(jwt);
        Files.writeString(dir.resolve(token.getPath()), jwt);
      }
    }
  }

  @Test
  void theInjectedContainersGiveADeployRefreshingCredentialsOnTheSdkDefaultChains()
      throws IOException {
    Path js = Path.of("src", "test", "js").toAbsolutePath();
    assumeTrue(
        Files.isDirectory(js.resolve("node_modules")),
        "src/test/js/node_modules is absent: run `npm ci --prefix src/test/js`");
    Container sidecar = sidecar();
    assertThat(sidecar.getArgs()).containsExactly("sidecar");
    Map<String, Path> sidecarMounts = mounts(sidecar);
    project("stagecred-token", sidecarMounts.get("/var/run/secrets/stagecred.io/serviceaccount"));
    Files.createDirectories(sidecarMounts.get("/var/run/stagecred"));

    // The API token volume: what a Kubernetes client in the pod reads from it, given as settings.
    String apiToken =
        kubernetes.token(
            NAMESPACE, pod.getSpec().getServiceAccountName(), null, Duration.ofHours(1));
    material.add(apiToken);
    SidecarProcess running =
        SidecarProcess.sidecar("injected-sidecar")
            .env(env(sidecar, sidecarMounts))
            .env("AWS_ENDPOINT_URL_STS", sts.endpoint().toString())
            .env("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", kubernetes.url())
            .env("QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", kubernetes.caFile().toString())
            .env("QUARKUS_KUBERNETES_CLIENT_TOKEN", apiToken)
            .endpoint()
            .start();
    try (running) {
      await("the injected sidecar's readiness (its startup probe)")
          .atMost(Duration.ofSeconds(60))
          .failFast(
              running.name() + " stopped (see " + running.log() + ")",
              () -> !running.process().isAlive())
          .until(() -> running.readiness().status() == 200);

      Container deploy = pod.getSpec().getContainers().get(0);
      Map<String, String> deployEnv = new LinkedHashMap<>(SidecarProcess.baseEnv());
      Map<String, Path> deployMounts = mounts(deploy);
      // The same volume as the sidecar's: the folder of volume "stagecred".
      assertThat(deployMounts.get("/var/run/stagecred"))
          .isEqualTo(sidecarMounts.get("/var/run/stagecred"));
      env(deploy, deployMounts)
          .forEach(
              (k, v) ->
                  deployEnv.put(
                      k,
                      v.replace(
                          "127.0.0.1:" + PodInjector.ENDPOINT_PORT,
                          "127.0.0.1:" + running.endpointPort())));
      deployEnv.put("HOME", SidecarProcess.baseEnv().get("HOME"));
      long seconds = LIFETIME.multipliedBy(4).toSeconds();
      Process node =
          SidecarProcess.start(
              work,
              "injected-deploy",
              List.of(
                  "node",
                  js.resolve("endpoint-check.js").toString(),
                  sts.endpoint().toString(),
                  Long.toString(seconds)),
              deployEnv);
      try {
        assertThat(node.waitFor(seconds + 60, TimeUnit.SECONDS)).as("node finished").isTrue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      } finally {
        SidecarProcess.stop(node, Duration.ofSeconds(5));
      }
      String out = OutputFiles.read(work.resolve("injected-deploy.log"));
      assertThat(out.lines().filter(l -> l.contains(" FAIL "))).as("failed calls").isEmpty();
      assertThat(node.exitValue()).as("node exit code").isZero();
      RenewedKeys.assertEveryRouteRenewedAndVerified(out, List.of("v2", "v3"), sts.calls());
    }
  }
}
