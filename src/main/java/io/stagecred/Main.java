package io.stagecred;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.stagecred.demo.DemoBootstrap;
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
      // The mode is reserved by the design's CLI contract; its implementation is a separate issue.
      System.err.println("stagecred: sidecar mode is not available in this version");
      System.exit(2);
    }
    System.setProperty("stagecred.mode", mode);
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

  @Override
  public int run(String... args) {
    Quarkus.waitForExit();
    return 0;
  }
}
