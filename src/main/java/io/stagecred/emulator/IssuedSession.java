package io.stagecred.emulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One set of temporary credentials the emulator issued, with the role session they stand for.
 * {@link #toString()} never prints the secret access key or the session token.
 *
 * @param roleId the role's unique id (AROA...), the first half of {@link #userId()}
 * @param tags every session tag, inherited transitive ones included
 * @param transitiveTagKeys the keys passed on to sessions chained from this one
 * @param sourceIdentity null when the chain has none
 */
public record IssuedSession(
    String accessKeyId,
    String secretAccessKey,
    String sessionToken,
    Instant expiration,
    String assumedRoleArn,
    String roleArn,
    String account,
    String sessionName,
    String roleId,
    Map<String, String> tags,
    List<String> transitiveTagKeys,
    String sourceIdentity) {

  public IssuedSession {
    tags = Map.copyOf(tags);
    transitiveTagKeys = List.copyOf(transitiveTagKeys);
  }

  /** The UserId STS reports for an assumed role: role id, colon, session name. */
  public String userId() {
    return roleId + ":" + sessionName;
  }

  public boolean expiredAt(Instant now) {
    return !now.isBefore(expiration);
  }

  @Override
  public String toString() {
    return "IssuedSession[accessKeyId="
        + accessKeyId
        + ", assumedRoleArn="
        + assumedRoleArn
        + ", expiration="
        + expiration
        + ", tags="
        + tags
        + ", sourceIdentity="
        + sourceIdentity
        + ", secretAccessKey=<redacted>, sessionToken=<redacted>]";
  }
}
