package io.stagecred.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Checks every typed stagecred setting (durations, numbers, switches, URIs) before Quarkus reads
 * them, so that a malformed value is answered by its variable and property name with the fix, in
 * every mode, instead of a conversion stack trace. Switches are held to true/false (also yes/no,
 * on/off, 1/0): the framework would read any other word as false. Settings read as text are checked
 * where they are used (the renewal timing, the sidecar's variables).
 */
public final class SettingsCheck {

  /** The kinds of typed setting, each with the words that tell a user what to write. */
  enum Kind {
    DURATION("is not a duration: use a number of seconds or a value such as 90s, 5m or 1h"),
    NUMBER("is not a whole number"),
    SWITCH("is not a switch: use true or false"),
    ADDRESS("is not a URI such as https://sts.us-east-1.amazonaws.com");

    final String fix;

    Kind(String fix) {
      this.fix = fix;
    }
  }

  private SettingsCheck() {}

  /** The problems of the settings the running process sees (environment, system properties). */
  public static List<String> current(String profile) {
    SmallRyeConfigBuilder builder =
        new SmallRyeConfigBuilder().addDefaultInterceptors().addDefaultSources();
    URL properties = SettingsCheck.class.getClassLoader().getResource("application.properties");
    if (properties != null) {
      try {
        builder.withSources(new PropertiesConfigSource(properties, 250));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (profile != null && !profile.isBlank()) {
      for (String p : profile.split(",")) {
        builder.withProfile(p.trim());
      }
    }
    return problems(builder.build());
  }

  /** The problems of {@code config}'s typed stagecred settings; empty when all can be read. */
  public static List<String> problems(SmallRyeConfig config) {
    List<String> problems = new ArrayList<>();
    typed()
        .forEach(
            (property, kind) -> {
              String raw = config.getConfigValue(property).getValue();
              if (raw != null && !readable(kind, raw.trim())) {
                problems.add(
                    variable(property)
                        + " ("
                        + property
                        + ")='"
                        + Timing.printable(raw)
                        + "' "
                        + kind.fix);
              }
            });
    return problems;
  }

  /** Every typed setting of {@link StagecredConfig}, by property name. */
  static Map<String, Kind> typed() {
    Map<String, Kind> out = new TreeMap<>();
    walk(StagecredConfig.class, "stagecred", out);
    return out;
  }

  private static void walk(Class<?> group, String prefix, Map<String, Kind> out) {
    for (Method m : group.getDeclaredMethods()) {
      if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() > 0) {
        continue;
      }
      String name =
          m.isAnnotationPresent(WithParentName.class)
              ? prefix
              : prefix
                  + "."
                  + (m.isAnnotationPresent(WithName.class)
                      ? m.getAnnotation(WithName.class).value()
                      : kebab(m.getName()));
      Type type = m.getGenericReturnType();
      if (type instanceof ParameterizedType p && p.getRawType() == Optional.class) {
        type = p.getActualTypeArguments()[0];
      }
      if (!(type instanceof Class<?> c)) {
        continue; // lists and maps of text
      }
      if (c.isInterface() && c.getEnclosingClass() != null) {
        walk(c, name, out);
      } else if (c == Duration.class) {
        out.put(name, Kind.DURATION);
      } else if (c == int.class || c == Integer.class || c == long.class || c == Long.class) {
        out.put(name, Kind.NUMBER);
      } else if (c == boolean.class || c == Boolean.class) {
        out.put(name, Kind.SWITCH);
      } else if (c == URI.class) {
        out.put(name, Kind.ADDRESS);
      }
    }
  }

  private static boolean readable(Kind kind, String value) {
    switch (kind) {
      case DURATION:
        return Timing.parsed(value).isPresent();
      case NUMBER:
        return value.matches("-?[0-9]{1,9}");
      case SWITCH:
        return List.of("true", "false", "yes", "no", "on", "off", "1", "0")
            .contains(value.toLowerCase(Locale.ROOT));
      case ADDRESS:
        try {
          new URI(value);
          return true;
        } catch (URISyntaxException e) {
          return false;
        }
      default:
        throw new IllegalStateException(kind.name());
    }
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** The environment variable SmallRye Config maps onto {@code property}. */
  static String variable(String property) {
    return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
