package io.stagecred.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Writes the random and derived identifiers the emulator hands out (key ids, secrets, tokens, role
 * ids).
 */
final class Ids {
  static final String UPPER_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  static final String LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789";
  static final String SECRET_CHARS =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private static final SecureRandom RANDOM = new SecureRandom();

  private Ids() {}

  static String random(String alphabet, int length) {
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  /** Temporary access key ids start with ASIA, like the ones real STS issues. */
  static String accessKeyId() {
    return "ASIA" + random(UPPER_ALNUM, 16);
  }

  static String secretAccessKey() {
    return random(SECRET_CHARS, 40);
  }

  /** An opaque, long, standard-base64 string: SDKs only pass it through as a header. */
  static String sessionToken() {
    byte[] bytes = new byte[300];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  /**
   * IAM gives a role one stable unique id (AROA...); derive it from the ARN so it is stable too.
   */
  static String roleId(String roleArn) {
    byte[] digest = sha256(roleArn.getBytes(StandardCharsets.UTF_8));
    StringBuilder sb = new StringBuilder("AROA");
    for (int i = 0; i < 17; i++) {
      sb.append(UPPER_ALNUM.charAt((digest[i] & 0xff) % UPPER_ALNUM.length()));
    }
    return sb.toString();
  }

  static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
    }
  }
}
