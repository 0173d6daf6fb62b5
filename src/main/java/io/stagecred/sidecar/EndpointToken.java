package io.stagecred.sidecar;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Reads the endpoint token file (or writes a generated token to it when absent); compares an {@code
 * Authorization} header against the token without leaking where they differ.
 */
public final class EndpointToken {

  private static final int TOKEN_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();

  private EndpointToken() {}

  /**
   * The token in {@code file}, stripped of surrounding whitespace; when the file does not exist, a
   * new random token written to it (mode 0640, no trailing newline).
   *
   * @throws IllegalStateException if the file holds only whitespace
   */
  public static String loadOrCreate(Path file) throws IOException {
    String existing;
    try {
      existing = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return create(file);
    }
    String token = existing.strip();
    if (token.isEmpty()) {
      // Generating a token here would silently replace one an operator meant to provide.
      throw new IllegalStateException(
          "endpoint token file "
              + file
              + " is empty: write a non-empty token into it, or delete it so the sidecar"
              + " generates one");
    }
    return token;
  }

  /**
   * Whether {@code presentedHeader}, stripped of surrounding whitespace, equals {@code expected}.
   * False when either is null or {@code expected} is empty.
   */
  public static boolean matches(String expected, String presentedHeader) {
    // An empty expected token would let a request with an empty header through.
    if (expected == null || expected.isEmpty() || presentedHeader == null) {
      return false;
    }
    // isEqual takes the same time wherever the first difference is, so response timing does not
    // reveal how much of a guessed token was right.
    return MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.UTF_8),
        presentedHeader.strip().getBytes(StandardCharsets.UTF_8));
  }

  private static String create(Path file) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    byte[] bytes = new byte[TOKEN_BYTES];
    RANDOM.nextBytes(bytes);
    // base64url without padding: header-safe, and no newline so `cat` and SDKs read the same value.
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    AtomicFiles.write(dir, file.getFileName().toString(), token);
    return token;
  }
}
