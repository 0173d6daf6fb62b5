package io.stagecred.sidecar.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Runs after the other ITs (class order by {@link Order}): reads every child output they captured
 * under target/sidecar-it/ and the secret material their STS emulators handed out, and finds none
 * of it in any output, raw or base64.
 */
// Failsafe sets the property after package; a surefire run selecting "Sidecar*" with -Dtest
// (which overrides surefire's includes) skips these instead of running them before the jar exists.
@EnabledIfSystemProperty(
    named = "stagecred.sidecar.jar",
    matches = ".+",
    disabledReason = "run by maven-failsafe-plugin after package (./mvnw verify)")
@Order(Integer.MAX_VALUE)
class SidecarLogLeakIT {

  @Test
  void noIssuedSecretOrTokenAppearsInAnyChildOutput() throws IOException {
    List<String> material = SecretLeaks.saved();
    assertThat(material)
        .as("secret material saved by SidecarProcessIT (run it first)")
        .hasSizeGreaterThan(20);
    List<Path> logs;
    try (Stream<Path> files = Files.list(SidecarProcess.WORK)) {
      logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
    }
    assertThat(logs.stream().map(f -> f.getFileName().toString()))
        .as("captured outputs")
        .contains("files.log", "endpoint.log", "deploy-sidecar.log", "deploy-process.log");
    for (Path log : logs) {
      assertThat(SecretLeaks.scan(log, material)).as("secrets in %s", log.getFileName()).isEmpty();
    }
  }

  @Test
  void theScanFindsAPlantedValueRawAndBase64() throws IOException {
    String canary = "canary-" + UUID.randomUUID();
    Path scratch = SidecarProcess.WORK.resolve("canary");
    Files.createDirectories(scratch);
    Path raw = Files.writeString(scratch.resolve("raw.txt"), "INFO token=" + canary + " done\n");
    String encoded =
        Base64.getEncoder()
            .encodeToString(
                ("aws_session_token = " + canary + "\n").getBytes(StandardCharsets.UTF_8));
    Path wrapped =
        Files.writeString(scratch.resolve("base64.txt"), "{\"data\":\"" + encoded + "\"}");
    Path alone =
        Files.writeString(
            scratch.resolve("alone.txt"),
            Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(canary.getBytes(StandardCharsets.UTF_8)));
    Path clean = Files.writeString(scratch.resolve("clean.txt"), "nothing to see\n");

    for (Path planted : List.of(raw, wrapped, alone)) {
      assertThat(SecretLeaks.scan(planted, List.of(canary)))
          .as("found in %s", planted.getFileName())
          .hasSize(1);
    }
    assertThat(SecretLeaks.scan(clean, List.of(canary))).isEmpty();
  }
}
