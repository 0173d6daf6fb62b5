package io.stagecred.emulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One request the emulator received, as tests inspect it. It holds no secret material (no token, no
 * secret key), and {@link #toString()} also leaves out the ExternalId value.
 *
 * @param action the Action parameter ("" when missing)
 * @param durationSeconds as requested; null when the request left it out
 * @param tags the session tags the request passed (not the inherited ones)
 * @param subject the token's sub for web identity, the calling role's ARN for signed calls
 * @param accessKeyIdUsed the access key id that signed the request; null for unsigned ones
 * @param outcome "OK", "DROPPED" (dropNext) or the STS error code that was returned
 * @param at the emulator clock's time when the request arrived
 * @param issuedAccessKeyId the access key id of the credentials issued by this call, if any
 */
public record Call(
    String action,
    String roleArn,
    String roleSessionName,
    Integer durationSeconds,
    String externalId,
    String sourceIdentity,
    Map<String, String> tags,
    List<String> transitiveTagKeys,
    String subject,
    String accessKeyIdUsed,
    String outcome,
    Instant at,
    String issuedAccessKeyId) {

  public Call {
    tags = Map.copyOf(tags);
    transitiveTagKeys = List.copyOf(transitiveTagKeys);
  }

  public boolean ok() {
    return "OK".equals(outcome);
  }

  @Override
  public String toString() {
    return "Call["
        + action
        + ", outcome="
        + outcome
        + ", roleArn="
        + roleArn
        + ", roleSessionName="
        + roleSessionName
        + ", durationSeconds="
        + durationSeconds
        + ", externalId="
        + (externalId == null ? "null" : "<set>")
        + ", sourceIdentity="
        + sourceIdentity
        + ", tags="
        + tags
        + ", transitiveTagKeys="
        + transitiveTagKeys
        + ", subject="
        + subject
        + ", accessKeyIdUsed="
        + accessKeyIdUsed
        + ", issuedAccessKeyId="
        + issuedAccessKeyId
        + ", at="
        + at
        + "]";
  }
}
