package io.stagecred.renewal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Reads a key, a salt and a bound; returns a number in [0, bound] that looks random but is always
 * the same for the same input, so a restarted operator computes the same schedule it computed
 * before.
 */
final class Jitter {

  private Jitter() {}

  static long pick(String key, long salt, long boundInclusive) {
    if (boundInclusive <= 0) {
      return 0;
    }
    byte[] digest = sha256((key == null ? "" : key) + '\0' + salt);
    long bits = 0;
    for (int i = 0; i < Long.BYTES; i++) {
      bits = (bits << 8) | (digest[i] & 0xFF);
    }
    // Unsigned remainder keeps the whole 64-bit range usable; the bias for bounds far below 2^64 is
    // negligible for scheduling purposes.
    long span = boundInclusive == Long.MAX_VALUE ? Long.MAX_VALUE : boundInclusive + 1;
    return Long.remainderUnsigned(bits, span);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      // Every Java platform is required to provide SHA-256.
      throw new IllegalStateException(e);
    }
  }
}
