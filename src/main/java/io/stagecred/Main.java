package io.stagecred;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.stagecred.config.SettingsCheck;
import io.stagecred.config.StagecredConfig;
import io.stagecred.demo.DemoBootstrap;
import io.stagecred.sidecar.SidecarMode;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point. The first argument picks the mode (operator, sidecar, demo; default operator) and is
 * published as {@code stagecred.mode} before Quarkus reads its configuration.
 */
@QuarkusMain
public class Main implements QuarkusApplication {

  static final List<String> MODES = List.of("operator", "sidecar", "demo");

  public static void main(String... args) {
    String mode = args.length > 0 && !args[0].startsWith("-") ? args[0] : "operator";
    if (!MODES.contains(mode)) {
      System.err.println("stagecred: unknown mode '" + mode + "'; expected one of " + MODES);
      System.exit(2);
    }
    if ("sidecar".equals(mode)) {
      // The "sidecar" configuration profile moves the health port off 8080 (the deploy container
      // shares the pod's network) and swaps the operator's readiness check for the sidecar's.
      String profile = System.getProperty("quarkus.profile", System.getenv("QUARKUS_PROFILE"));
      System.setProperty(
          "quarkus.profile",
          profile == null || profile.isBlank() ? "sidecar" : profile + ",sidecar");
    }
    System.setProperty("stagecred.mode", mode);
    List<String> problems =
        SettingsCheck.current(
            System.getProperty("quarkus.profile", System.getenv("QUARKUS_PROFILE")));
    if (!problems.isEmpty()) {
      System.err.println("stagecred " + mode + ": settings that cannot be used:");
      problems.forEach(p -> System.err.println("  - " + p));
      System.exit(2);
    }
    String[] rest =
        args.length > 0 && !args[0].startsWith("-")
            ? Arrays.copyOfRange(args, 1, args.length)
            : args;
    if ("demo".equals(mode)) {
      try {
        DemoBootstrap.prepare(rest, System.getenv()).forEach(System::setProperty);
      } catch (IOException | RuntimeException e) {
        System.err.println("stagecred demo: " + e.getMessage());
        System.exit(2);
      }
    }
    Quarkus.run(Main.class, rest);
  }

  private final StagecredConfig config;
  private final Instance<SidecarMode> sidecar;

  public Main(StagecredConfig config, Instance<SidecarMode> sidecar) {
    this.config = config;
    this.sidecar = sidecar;
  }

  @Override
  public int run(String... args) {
    if ("sidecar".equals(config.mode())) {
      return sidecar.get().run();
    }
    Quarkus.waitForExit();
    return 0;
  }
}
