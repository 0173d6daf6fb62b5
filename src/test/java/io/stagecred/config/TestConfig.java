package io.stagecred.config;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/** stagecred's configuration as the application reads it, from environment variables. */
public final class TestConfig {

  private TestConfig() {}

  /** {@code env} over application.properties, mapped like the application maps it. */
  public static StagecredConfig fromEnv(Map<String, String> env) {
    try {
      SmallRyeConfig config =
          new SmallRyeConfigBuilder()
              .addDefaultInterceptors()
              // Quarkus's own notation for durations ("5s", "15m"), as in the application.
              .withConverter(Duration.class, 200, new DurationConverter())
              .withMapping(StagecredConfig.class)
              .withSources(
                  new EnvConfigSource(env, 300),
                  new PropertiesConfigSource(
                      TestConfig.class.getClassLoader().getResource("application.properties"), 250))
              .build();
      return config.getConfigMapping(StagecredConfig.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
