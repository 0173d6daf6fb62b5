package io.stagecred.sidecar.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads text files and a set of secret values; returns where a value appears raw, as its own base64
 * (standard or URL alphabet, padded or not), or inside any base64 run of the text once decoded.
 * Findings name the file and the value's length, never the value.
 */
final class SecretLeaks {

  /** Material the ITs save (one value a line) for the scan that runs after them. */
  static final Path MATERIAL_DIR = SidecarProcess.WORK.resolve("material");

  private static final Pattern BASE64_RUN = Pattern.compile("[A-Za-z0-9+/=_-]{20,}");

  // Shorter values would match by chance (and nothing the emulator issues is that short).
  private static final int MIN_LENGTH = 16;

  private SecretLeaks() {}

  /** Saves {@code material} under {@link #MATERIAL_DIR} as {@code <name>.material}. */
  static void save(String name, Collection<String> material) {
    try {
      Files.createDirectories(MATERIAL_DIR);
      Files.write(MATERIAL_DIR.resolve(name + ".material"), material, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every value saved so far. */
  static List<String> saved() {
    if (!Files.isDirectory(MATERIAL_DIR)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(MATERIAL_DIR)) {
      List<String> all = new ArrayList<>();
      for (Path f : files.filter(p -> p.toString().endsWith(".material")).toList()) {
        Files.readAllLines(f, StandardCharsets.UTF_8).stream()
            .filter(l -> !l.isBlank())
            .forEach(all::add);
      }
      return all;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Findings in {@code file}: "file: a value of N chars" per leaked value; empty when clean. */
  static List<String> scan(Path file, Collection<String> material) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    StringBuilder decoded = new StringBuilder();
    Matcher m = BASE64_RUN.matcher(text);
    while (m.find()) {
      decoded.append('\n').append(decode(m.group()));
    }
    String haystack = text + decoded;
    List<String> findings = new ArrayList<>();
    for (String value : material) {
      if (value.length() >= MIN_LENGTH && forms(value).stream().anyMatch(haystack::contains)) {
        findings.add(file.getFileName() + ": a secret value of " + value.length() + " chars");
      }
    }
    return findings;
  }

  private static List<String> forms(String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    return List.of(
        value,
        Base64.getEncoder().encodeToString(bytes),
        Base64.getEncoder().withoutPadding().encodeToString(bytes),
        Base64.getUrlEncoder().encodeToString(bytes),
        Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
  }

  private static String decode(String run) {
    for (Base64.Decoder decoder : List.of(Base64.getDecoder(), Base64.getUrlDecoder())) {
      try {
        return new String(decoder.decode(run), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        // Not this alphabet (or not base64 at all): try the next.
      }
    }
    return "";
  }
}
