package io.stagecred.sidecar;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.stagecred.config.StagecredConfig;
import io.stagecred.config.TestConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the application's configuration the way the packaged sidecar does: the environment
 * variables given (as an env source, so STAGECRED_STAGE maps to stagecred.stage) over the real
 * application.properties.
 */
final class SidecarEnv {

  private static final Path CRD = Path.of("crds/deploymentcredentials.stagecred.io-v1.yml");

  private SidecarEnv() {}

  static StagecredConfig config(Map<String, String> env) {
    return TestConfig.fromEnv(env);
  }

  /**
   * The settings for {@code env}, in a pod with a web-identity token: AWS_WEB_IDENTITY_TOKEN_FILE
   * defaults to the path EKS uses when {@code env} does not set it.
   */
  static SidecarSettings settings(Map<String, String> env) {
    Map<String, String> pod = new HashMap<>(env);
    pod.putIfAbsent("AWS_WEB_IDENTITY_TOKEN_FILE", EKS_TOKEN);
    return SidecarSettings.from(config(pod));
  }

  static final String EKS_TOKEN = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";

  /** A started mock API server in CRUD mode (stores what is written, serves gets and watches). */
  static KubernetesMockServer crudServer() {
    KubernetesMockServer server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            false);
    server.init();
    return server;
  }

  /** A client of {@code server} without client-side retries: the sidecar's schedule retries. */
  static KubernetesClient noRetryClient(KubernetesMockServer server) {
    return new KubernetesClientBuilder()
        .withConfig(
            new ConfigBuilder(server.createClient().getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .build())
        .build();
  }

  /** A client of {@code server} that knows the DeploymentCredential CRD, as a cluster would. */
  static KubernetesClient withCrd(KubernetesMockServer server) {
    KubernetesClient client = server.createClient();
    try (InputStream crd = Files.newInputStream(CRD)) {
      client.load(crd).create();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return client;
  }
}
