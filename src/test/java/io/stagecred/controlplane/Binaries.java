package io.stagecred.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pinned control-plane binaries. {@code src/test/controlplane/build.sh} builds them once into a
 * cache folder outside the work tree (Maven runs it before the tests, so a cold build shows its
 * progress there) and prints that folder; asked again it answers at once.
 */
public final class Binaries {

  private static final Path BUILD_SCRIPT = Path.of("src/test/controlplane/build.sh");
  private static Path located;

  private Binaries() {}

  /** The pinned kubectl, for tests that run it against something other than a control plane. */
  public static Path kubectl() {
    return locate().resolve("kubectl");
  }

  static synchronized Path locate() {
    if (located == null) {
      if (!Files.isRegularFile(BUILD_SCRIPT)) {
        throw new IllegalStateException(
            "run the tests from the project folder: " + BUILD_SCRIPT + " not found");
      }
      String out = run(Path.of("bash"), null, Duration.ofMinutes(45), BUILD_SCRIPT.toString());
      String[] lines = out.strip().split("\n");
      Path bin = Path.of(lines[lines.length - 1].strip());
      for (String name : List.of("etcd", "kube-apiserver", "kube-controller-manager", "kubectl")) {
        if (!Files.isExecutable(bin.resolve(name))) {
          throw new IllegalStateException(
              BUILD_SCRIPT + " printed " + bin + ", which has no " + name);
        }
      }
      located = bin;
    }
    return located;
  }

  /**
   * Runs {@code program} with {@code args} (KUBECONFIG set when given) and returns its standard
   * output; fails with its output when it exits non-zero or outlives {@code timeout}.
   */
  static String run(Path program, Path kubeconfig, Duration timeout, String... args) {
    List<String> command = new ArrayList<>();
    command.add(program.toString());
    command.addAll(List.of(args));
    Path out;
    Path err;
    try {
      out = Files.createTempFile("stagecred-run", ".out");
      err = Files.createTempFile("stagecred-run", ".err");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    if (kubeconfig != null) {
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
    }
    try {
      Process process = builder.start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            String.join(" ", command)
                + " exited "
                + process.exitValue()
                + ":\n"
                + stdout
                + Files.readString(err, StandardCharsets.UTF_8));
      }
      return stdout;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      out.toFile().delete();
      err.toFile().delete();
    }
  }
}
