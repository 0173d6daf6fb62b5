package io.stagecred.controlplane;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts, watches and stops the control plane's processes, each logging to a file of its own. */
final class Processes {

  private static final int TAIL_LINES = 40;

  private Processes() {}

  static Process start(Path log, String... command) {
    try {
      return new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command[0], e);
    }
  }

  /** Fails with the process's log tail when it has exited. */
  static void checkAlive(Process process, String name, Path log) {
    if (process != null && !process.isAlive()) {
      throw new IllegalStateException(
          name + " exited with code " + process.exitValue() + "; its log ends:\n" + tail(log));
    }
  }

  /** SIGTERM, then SIGKILL after ten seconds. */
  static void stop(Process process) {
    if (process == null || !process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }
}
