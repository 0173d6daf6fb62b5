package io.stagecred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The CRD committed under crds/ (which deploy/ and the demo apply) must be exactly what the build
 * generates from the Java model. A @QuarkusTest, so that the build has generated it by now.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class CrdDriftTest {

  private static final String FILE = "deploymentcredentials.stagecred.io-v1.yml";

  @Test
  void committedCrdMatchesTheGeneratedOne() throws Exception {
    Path generated = Path.of("target", "kubernetes", FILE);
    Path committed = Path.of("crds", FILE);
    assertThat(generated).as("the build generates the CRD").exists();
    assertThat(Files.readString(committed))
        .as("crds/%s drifted from the Java model; run: cp %s %s", FILE, generated, committed)
        .isEqualTo(Files.readString(generated));
  }
}
