package io.stagecred.render;

import io.stagecred.sts.IssuedCredentials;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Reads issued credentials; returns the two JSON documents SDKs refresh from: the
 * credential_process output and the container-credentials endpoint body. Field order is fixed so
 * output is byte-stable.
 */
final class CredentialJson {

  private CredentialJson() {}

  /**
   * {@code {"Version":1,"AccessKeyId":..,"SecretAccessKey":..,"SessionToken":..,"Expiration":..}}.
   */
  static String credentialProcess(IssuedCredentials c) {
    return "{\"Version\":1"
        + ",\"AccessKeyId\":"
        + JsonStrings.quote(c.accessKeyId())
        + ",\"SecretAccessKey\":"
        + JsonStrings.quote(c.secretAccessKey())
        + ",\"SessionToken\":"
        + JsonStrings.quote(c.sessionToken())
        + ",\"Expiration\":"
        + JsonStrings.quote(expiration(c.expiration()))
        + "}";
  }

  /** {@code {"AccessKeyId":..,"SecretAccessKey":..,"Token":..,"Expiration":..}}. */
  static String containerCredentials(IssuedCredentials c) {
    // The container endpoint names the session token "Token", unlike credential_process.
    return "{\"AccessKeyId\":"
        + JsonStrings.quote(c.accessKeyId())
        + ",\"SecretAccessKey\":"
        + JsonStrings.quote(c.secretAccessKey())
        + ",\"Token\":"
        + JsonStrings.quote(c.sessionToken())
        + ",\"Expiration\":"
        + JsonStrings.quote(expiration(c.expiration()))
        + "}";
  }

  /** ISO-8601 in UTC with whole seconds, e.g. {@code 2026-11-21T20:00:00Z}. */
  static String expiration(Instant expiration) {
    // Truncating (not rounding) never claims the credentials live longer than STS said; some older
    // parsers reject fractional seconds.
    return DateTimeFormatter.ISO_INSTANT.format(expiration.truncatedTo(ChronoUnit.SECONDS));
  }
}
