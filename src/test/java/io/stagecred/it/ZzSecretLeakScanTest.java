package io.stagecred.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test class: no access key secret, session token or web-identity token that
 * the suite issued appears in anything logged, nor in any status or event the operator wrote.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.LEAK_SCAN)
class ZzSecretLeakScanTest {

  private static final Path LOG = Path.of("target", "quarkus.log");

  @InjectWorld World world;

  @Test
  void nothingIssuedAppearsInLogsStatusOrEvents() throws Exception {
    List<String> material = new ArrayList<>(SecretScan.savedMaterial());
    material.addAll(SecretScan.material(world));
    assertThat(material)
        .as("the suite issued credentials and tokens to look for")
        .hasSizeGreaterThan(20);

    String log = Files.readString(LOG);
    assertThat(log).as("the suite logged something").contains("issued credentials");
    assertThat(SecretScan.leaks(log, material)).as("secrets in the log").isEmpty();

    List<String> objects = new ArrayList<>(SecretScan.savedObjects());
    objects.add(SecretScan.visibleObjects(world));
    for (String text : objects) {
      assertThat(SecretScan.leaks(text, material)).as("secrets in status or events").isEmpty();
    }
  }

  @Test
  void theScanFindsPlantedSecretsRawAndEncoded() {
    String secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    List<String> material = List.of(secret);
    assertThat(SecretScan.leaks("x " + secret + " y", material)).hasSize(1);
    String encoded = Base64.getEncoder().encodeToString(("key = " + secret + "\n").getBytes());
    assertThat(SecretScan.leaks("{\"data\":\"" + encoded + "\"}", material)).hasSize(1);
    assertThat(SecretScan.leaks("nothing here", material)).isEmpty();
  }
}
