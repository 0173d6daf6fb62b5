package io.stagecred.sidecar.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the sidecar's output folder ({@code credentials}, {@code config}, {@code
 * credential-process.json}) and checks each file parses into the contract's shape. Assertion
 * messages name sections and fields, never a value: the files hold live credentials.
 */
final class OutputFiles {

  static final List<String> NAMES = List.of("credentials", "config", "credential-process.json");
  private static final List<String> CREDENTIAL_KEYS =
      List.of("aws_access_key_id", "aws_secret_access_key", "aws_session_token");
  private static final List<String> PROCESS_FIELDS =
      List.of("AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration");
  private static final ObjectMapper JSON = new ObjectMapper();

  private OutputFiles() {}

  /**
   * One read of the three files.
   *
   * @param iniKeyId the access key id of the credentials file's stage profile
   * @param jsonKeyId the access key id in credential-process.json
   * @param expiration credential-process.json's Expiration
   */
  record Read(String iniKeyId, String jsonKeyId, Instant expiration) {}

  static boolean allPresent(Path dir) {
    return NAMES.stream().allMatch(n -> Files.isRegularFile(dir.resolve(n)));
  }

  /** Reads all three files once and asserts their shapes; {@code what} labels failures. */
  static Read readChecked(Path dir, String stage, String what) {
    Map<String, Map<String, String>> credentials = ini(read(dir.resolve("credentials")));
    for (String section : List.of(stage, "default")) {
      Map<String, String> keys = credentials.getOrDefault(section, Map.of());
      assertThat(CREDENTIAL_KEYS.stream().allMatch(k -> !keys.getOrDefault(k, "").isEmpty()))
          .as("%s: credentials has [%s] with %s", what, section, CREDENTIAL_KEYS)
          .isTrue();
    }
    Map<String, Map<String, String>> config = ini(read(dir.resolve("config")));
    assertThat(config.keySet())
        .as("%s: config's sections", what)
        .contains("profile " + stage, "profile " + stage + "-process", "default");
    assertThat(config.get("profile " + stage + "-process").get("credential_process"))
        .as("%s: the process profile's command", what)
        .isEqualTo("cat " + dir.resolve("credential-process.json"));

    JsonNode process;
    try {
      process = JSON.readTree(read(dir.resolve("credential-process.json")));
    } catch (IOException e) {
      // The parser's message would quote the document; say only that it did not parse.
      throw new AssertionError(what + ": credential-process.json is not JSON");
    }
    assertThat(process.path("Version").asInt(-1))
        .as("%s: credential-process.json's Version", what)
        .isEqualTo(1);
    assertThat(PROCESS_FIELDS.stream().allMatch(f -> !process.path(f).asText("").isEmpty()))
        .as("%s: credential-process.json has %s", what, PROCESS_FIELDS)
        .isTrue();
    return new Read(
        credentials.get(stage).get("aws_access_key_id"),
        process.get("AccessKeyId").asText(),
        Instant.parse(process.get("Expiration").asText()));
  }

  /** Sections of an INI text; keys and values trimmed. Later duplicates win. */
  static Map<String, Map<String, String>> ini(String text) {
    Map<String, Map<String, String>> sections = new LinkedHashMap<>();
    Map<String, String> current = null;
    for (String raw : text.split("\n", -1)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        current = new LinkedHashMap<>();
        sections.put(line.substring(1, line.length() - 1).strip(), current);
        continue;
      }
      int eq = line.indexOf('=');
      if (current == null || eq < 1) {
        throw new AssertionError("not an INI line (outside a section or without '=')");
      }
      current.put(line.substring(0, eq).strip(), line.substring(eq + 1).strip());
    }
    return sections;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
