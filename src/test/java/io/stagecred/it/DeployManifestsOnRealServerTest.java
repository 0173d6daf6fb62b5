package io.stagecred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagecred.controlplane.ControlPlane;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Everything users apply is accepted by a real API server: {@code kubectl apply -k deploy/} and
 * each file of deploy/examples (pods never run, as there is no kubelet, but every object must be
 * created as written).
 */
class DeployManifestsOnRealServerTest {

  private static ControlPlane kubernetes;

  @BeforeAll
  static void install() {
    kubernetes = Installation.installed();
  }

  @Test
  void theOperatorManifestsAreAllCreated() {
    int documents = documents(kubernetes.kubectl("kustomize", "deploy/"));
    List<String> applied = names(kubernetes.kubectl("apply", "-k", "deploy/", "-o", "name"));
    assertThat(applied).hasSize(documents);
    assertThat(applied)
        .contains(
            "customresourcedefinition.apiextensions.k8s.io/" + Installation.CRD,
            "clusterrole.rbac.authorization.k8s.io/stagecred-operator",
            "deployment.apps/stagecred-operator");
    for (String name : applied) {
      assertThat(kubernetes.kubectl("get", "-n", Installation.NAMESPACE, name, "-o", "name"))
          .isEqualToIgnoringWhitespace(name);
    }
  }

  static Stream<String> examples() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("deploy/examples"))) {
      // deploymentcredential.yaml creates namespace ci, which the others use: it sorts first.
      return files.map(Path::toString).filter(f -> f.endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyExampleIsCreated(String file) throws IOException {
    int documents = documents(Files.readString(Path.of(file)));
    kubernetes.kubectl("apply", "-f", "deploy/examples/deploymentcredential.yaml");
    List<String> applied = names(kubernetes.kubectl("apply", "-f", file, "-o", "name"));
    assertThat(applied).as(file).hasSize(documents);
    for (String name : applied) {
      assertThat(kubernetes.kubectl("get", "-n", "ci", name, "-o", "name"))
          .isEqualToIgnoringWhitespace(name);
    }
  }

  private static int documents(String yaml) {
    return (int) yaml.lines().filter(l -> l.startsWith("kind:")).count();
  }

  private static List<String> names(String output) {
    return output.lines().filter(l -> !l.isBlank()).toList();
  }
}
