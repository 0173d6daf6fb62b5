package io.stagecred.controlplane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The harness itself, on a control plane of its own: service-account tokens and the issuer's
 * discovery documents, RBAC for a service account, the audit log, a crashed API server reported
 * with its log tail, and nothing left behind by {@link ControlPlane#close()}.
 */
class ControlPlaneTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aControlPlaneServesTokensDiscoveryRbacAndAuditAndReportsACrash() throws Exception {
    ControlPlane plane = ControlPlane.start();
    Path dir = plane.dir();
    Process apiServer = plane.apiServerProcess();
    try {
      KubernetesClient admin = plane.admin();
      admin
          .namespaces()
          .resource(new NamespaceBuilder().withNewMetadata().withName("t").endMetadata().build())
          .create();
      admin
          .serviceAccounts()
          .inNamespace("t")
          .resource(
              new ServiceAccountBuilder().withNewMetadata().withName("sa").endMetadata().build())
          .create();

      String token = plane.token("t", "sa", "sts.amazonaws.com", Duration.ofMinutes(10));
      JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
      assertThat(claims.path("iss").asText()).isEqualTo(plane.issuer());
      assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:t:sa");
      assertThat(claims.path("aud").get(0).asText()).isEqualTo("sts.amazonaws.com");

      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .sslContext(plane.trust().sslContext())
              .build();
      HttpResponse<String> discovery =
          http.send(
              HttpRequest.newBuilder(URI.create(plane.url() + "/.well-known/openid-configuration"))
                  // service accounts may read it; the suite's Installation opens it to anyone
                  .header(
                      "Authorization",
                      "Bearer " + plane.token("t", "sa", null, Duration.ofMinutes(10)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(discovery.statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(discovery.body()).path("jwks_uri").asText())
          .isEqualTo(plane.url() + "/openid/v1/jwks");

      try (KubernetesClient sa = plane.clientFor("t", "sa")) {
        assertThatThrownBy(() -> sa.secrets().inNamespace("t").list())
            .hasMessageContaining("403")
            .hasMessageContaining("system:serviceaccount:t:sa");
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () ->
                  assertThat(plane.audit().by("system:serviceaccount:t:sa"))
                      .anySatisfy(
                          e -> {
                            assertThat(e.verb()).isEqualTo("list");
                            assertThat(e.rbacResource()).isEqualTo("secrets");
                            assertThat(e.namespace()).isEqualTo("t");
                            assertThat(e.code()).isEqualTo(403);
                          }));

      apiServer.destroyForcibly().waitFor();
      List<String> log =
          Files.readAllLines(dir.resolve("kube-apiserver.log"), StandardCharsets.UTF_8);
      assertThatThrownBy(plane::checkAlive)
          .hasMessageContaining("kube-apiserver exited")
          .hasMessageContaining(log.get(log.size() - 1));
    } finally {
      plane.close();
    }
    assertThat(dir).doesNotExist();
    assertThat(apiServer.isAlive()).isFalse();
  }
}
