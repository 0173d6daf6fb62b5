package io.stagecred.inject;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How the chosen containers read the credentials: annotation {@code stagecred.io/mode}. */
public enum InjectionMode {
  /** The sidecar's loopback container-credentials endpoint (every AWS SDK refreshes from it). */
  ENDPOINT,
  /** The shared files and a profile naming the stage (Serverless v3 reads the static profile). */
  FILES,
  /**
   * The endpoint for the default credential chains, and the files for tools that name a profile.
   */
  BOTH;

  /** The annotation's value for this mode. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the endpoint is served and its variables set. */
  public boolean endpoint() {
    return this != FILES;
  }

  /** The mode an annotation value names, if any. */
  public static Optional<InjectionMode> parse(String value) {
    return Arrays.stream(values()).filter(m -> m.value().equals(value)).findFirst();
  }

  /** The accepted values, for messages. */
  public static String accepted() {
    return Arrays.stream(values()).map(InjectionMode::value).collect(Collectors.joining(", "));
  }
}
