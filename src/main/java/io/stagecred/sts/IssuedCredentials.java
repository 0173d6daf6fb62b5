package io.stagecred.sts;

import java.time.Instant;
import java.util.Objects;

/**
 * Temporary credentials returned by STS. {@link #toString()} never prints the secret key or the
 * session token, so an accidental log line cannot leak them.
 */
public record IssuedCredentials(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    Instant expiration,
    String assumedRoleArn) {

  public IssuedCredentials {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    Objects.requireNonNull(sessionToken, "sessionToken");
    Objects.requireNonNull(expiration, "expiration");
  }

  @Override
  public String toString() {
    return "IssuedCredentials[accessKeyId="
        + accessKeyId
        + ", expiration="
        + expiration
        + ", assumedRoleArn="
        + assumedRoleArn
        + ", secretAccessKey=<redacted>, sessionToken=<redacted>]";
  }
}
