package io.stagecred.sts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Reads a namespace, a resource name and a stage; returns the RoleSessionName and SourceIdentity
 * sent to STS: deterministic, at most 64 characters of {@code [\w+=,.@-]}, so CloudTrail tells
 * tenants apart.
 */
public final class SessionNames {

  /** STS's limit for both RoleSessionName and SourceIdentity. */
  public static final int MAX_LENGTH = 64;

  private static final String PREFIX = "stagecred.";

  private SessionNames() {}

  /** {@code stagecred.<namespace>.<name>.<stage>}, shortened with a hash when longer than 64. */
  public static String roleSessionName(String namespace, String name, String stage) {
    return fit(PREFIX + namespace + "." + name + "." + stage);
  }

  /** {@code stagecred.<namespace>.<name>}, shortened with a hash when longer than 64. */
  public static String sourceIdentity(String namespace, String name) {
    return fit(PREFIX + namespace + "." + name);
  }

  /**
   * Replaces characters STS refuses with '-', then, when too long, keeps the first 55 characters
   * and appends '-' and 8 hex digits of the SHA-256 of the full (unshortened) name: distinct long
   * names stay distinct, while the readable prefix still shows the namespace.
   */
  static String fit(String full) {
    String legal = full.replaceAll("[^\\w+=,.@-]", "-");
    if (legal.length() <= MAX_LENGTH) {
      return legal;
    }
    String hash = HexFormat.of().formatHex(sha256(full)).substring(0, 8);
    return legal.substring(0, MAX_LENGTH - 1 - hash.length()) + "-" + hash;
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required on every Java platform", e);
    }
  }
}
