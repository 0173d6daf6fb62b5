package io.stagecred.it;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.stagecred.api.DeploymentCredential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Collects, across every test world, the secret material the STS emulator and the token issuer
 * handed out, plus what the operator wrote into status and events; and finds any of that material
 * in a text, raw or inside base64.
 */
public final class SecretScan {

  static final Path DIR = Path.of("target", "secret-scan");
  private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/=_-]{20,}");

  private SecretScan() {}

  /**
   * Saves a stopping world's secret material and its user-visible API objects for the final scan.
   */
  static void recordWorld(World world) {
    String id = UUID.randomUUID().toString();
    try {
      Files.createDirectories(DIR);
      Files.write(DIR.resolve(id + ".material"), material(world));
      Files.writeString(DIR.resolve(id + ".objects.json"), visibleObjects(world));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> material(World world) {
    Set<String> all = new HashSet<>(world.sts().secretMaterial());
    all.addAll(world.issuer().mintedTokens());
    all.addAll(webhookKeys(world));
    return new ArrayList<>(all);
  }

  /**
   * The lines of the webhook's private keys as its TLS Secret holds them now (earlier ones rotated
   * away): a logged PEM key would show them.
   */
  private static List<String> webhookKeys(World world) {
    Secret tls =
        world
            .admin()
            .secrets()
            .inNamespace(Installation.NAMESPACE)
            .withName("stagecred-webhook-tls")
            .get();
    if (tls == null || tls.getData() == null) {
      return List.of();
    }
    List<String> lines = new ArrayList<>();
    for (String key : List.of("tls.key", "ca.key", "next-ca.key")) {
      String value = tls.getData().get(key);
      if (value != null) {
        new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII)
            .lines()
            .filter(l -> !l.startsWith("-----") && l.length() >= 16)
            .forEach(lines::add);
      }
    }
    return lines;
  }

  /** Statuses and events of every DeploymentCredential: what users see with kubectl. */
  static String visibleObjects(World world) {
    KubernetesClient client = world.admin();
    return Serialization.asJson(
            client.resources(DeploymentCredential.class).inAnyNamespace().list())
        + "\n"
        + Serialization.asJson(client.v1().events().inAnyNamespace().list());
  }

  /** Material and texts saved by worlds that already stopped. */
  static List<String> savedMaterial() throws IOException {
    return readAll(".material").stream().flatMap(t -> t.lines()).filter(l -> !l.isBlank()).toList();
  }

  static List<String> savedObjects() throws IOException {
    return readAll(".objects.json");
  }

  private static List<String> readAll(String suffix) throws IOException {
    if (!Files.isDirectory(DIR)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> out = new ArrayList<>();
      for (Path p : files.filter(f -> f.toString().endsWith(suffix)).toList()) {
        out.add(Files.readString(p));
      }
      return out;
    }
  }

  /** The material found in {@code text}, raw or in any base64 run decoded; empty when clean. */
  static List<String> leaks(String text, List<String> material) {
    StringBuilder haystack = new StringBuilder(text);
    Matcher m = BASE64_RUN.matcher(text);
    while (m.find()) {
      haystack.append('\n').append(decode(m.group()));
    }
    String all = haystack.toString();
    // Report only a short prefix of a leaked value: the report itself must not print secrets.
    return material.stream()
        .filter(s -> s.length() >= 16 && all.contains(s))
        .map(s -> s.substring(0, 6) + "…(" + s.length() + " chars)")
        .toList();
  }

  private static String decode(String run) {
    try {
      return new String(Base64.getDecoder().decode(run), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      try {
        return new String(Base64.getUrlDecoder().decode(run), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e2) {
        return "";
      }
    }
  }
}
