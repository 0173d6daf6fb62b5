package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.stagecred.api.Reason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefinitionsTest {

  private static final Path EXAMPLE = Path.of("deploy/examples/deploymentcredential.yaml");

  @Test
  void aFileWithSeveralDocumentsYieldsItsDeploymentCredential() {
    Definitions.Loaded loaded = Definitions.fromFile(EXAMPLE, "default");
    assertThat(loaded.failure()).isNull();
    assertThat(loaded.resource().getMetadata().getName()).isEqualTo("orders");
    assertThat(loaded.resource().getSpec().getStages()).hasSize(3);
    assertThat(loaded.namespace()).as("from metadata.namespace").isEqualTo("ci");
    assertThat(loaded.described()).isEqualTo("STAGECRED_DEFINITION_FILE " + EXAMPLE);
  }

  @Test
  void aFileWithoutNamespaceUsesTheDefault(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("dc.yaml");
    Files.writeString(
        file,
        """
        apiVersion: stagecred.io/v1alpha1
        kind: DeploymentCredential
        metadata:
          name: orders
        spec:
          region: us-east-1
          stages:
            - name: dev
              roleArn: arn:aws:iam::111111111111:role/deploy-dev
        """);
    assertThat(Definitions.fromFile(file, "team-a").namespace()).isEqualTo("team-a");
  }

  @Test
  void aMissingFileNamesThePathAndTheFix(@TempDir Path dir) {
    Definitions.Loaded loaded = Definitions.fromFile(dir.resolve("absent.yaml"), "default");
    assertThat(loaded.failure().transientFailure()).isFalse();
    assertThat(loaded.failure().message())
        .contains("cannot read STAGECRED_DEFINITION_FILE " + dir.resolve("absent.yaml"))
        .contains("NoSuchFileException")
        .contains("mount the file");
  }

  @Test
  void aFileWithoutOrWithTwoDefinitionsIsRefused(@TempDir Path dir) throws IOException {
    Path none = dir.resolve("none.yaml");
    Files.writeString(none, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    assertThat(Definitions.fromFile(none, "d").failure().message()).contains("holds 0");
    Path two = dir.resolve("two.yaml");
    String one = Files.readString(EXAMPLE);
    Files.writeString(two, one + "\n---\n" + one);
    assertThat(Definitions.fromFile(two, "d").failure().message()).contains("holds 2");
  }

  @Test
  void unparsableYamlIsRefusedWithoutQuotingIt(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, "kind: DeploymentCredential\nspec: [unclosed secret-ish-value\n");
    Definitions.Loaded loaded = Definitions.fromFile(file, "d");
    assertThat(loaded.failure().reason()).isEqualTo(Reason.InvalidSpec);
    assertThat(loaded.failure().message())
        .contains("is not valid Kubernetes YAML")
        .doesNotContain("secret-ish-value");
  }

  @Test
  void aLiveResourceIsReadWithOneGetAndAMissingOneIsNamed() {
    KubernetesMockServer server = SidecarEnv.crudServer();
    try (KubernetesClient client = SidecarEnv.withCrd(server)) {
      client.resource(Definitions.fromFile(EXAMPLE, "ci").resource()).inNamespace("ci").create();
      Definitions.Loaded loaded = Definitions.fromCluster(client, "ci", "orders");
      assertThat(loaded.failure()).isNull();
      assertThat(loaded.resource().getSpec().getDefaultStage()).isEqualTo("dev");
      assertThat(loaded.described()).isEqualTo("DeploymentCredential ci/orders");

      Definitions.Loaded missing = Definitions.fromCluster(client, "ci", "billing");
      assertThat(missing.failure().transientFailure()).isFalse();
      assertThat(missing.failure().message())
          .isEqualTo(
              "DeploymentCredential ci/billing does not exist. Fix: create it, or set"
                  + " STAGECRED_DEPLOYMENT_CREDENTIAL to an existing one in namespace ci");
    } finally {
      server.destroy();
    }
  }

  @Test
  void aForbiddenGetNamesTheRbacFixAndAServerErrorIsRetried() {
    String path = "/apis/stagecred.io/v1alpha1/namespaces/ci/deploymentcredentials/orders";
    KubernetesMockServer server = new KubernetesMockServer(false);
    server.init();
    server.expect().get().withPath(path).andReturn(403, "{}").once();
    server.expect().get().withPath(path).andReturn(503, "{}").always();
    try (KubernetesClient client = SidecarEnv.noRetryClient(server)) {
      Definitions.Loaded forbidden = Definitions.fromCluster(client, "ci", "orders");
      assertThat(forbidden.failure().transientFailure()).isFalse();
      assertThat(forbidden.failure().message())
          .contains("refused to let this pod read DeploymentCredential ci/orders (403)")
          .contains("'get' on deploymentcredentials.stagecred.io named orders");
      Definitions.Loaded unavailable = Definitions.fromCluster(client, "ci", "orders");
      assertThat(unavailable.failure().transientFailure()).isTrue();
      assertThat(unavailable.failure().message()).contains("the API server answered 503");
    } finally {
      server.destroy();
    }
  }
}
