package io.stagecred.operator;

import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.StageSpec;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IssueRequest;
import io.stagecred.stage.StageSettings;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything needed to issue one concrete stage, with the spec's defaults applied, and a
 * fingerprint of those values: when the fingerprint recorded on the Secret differs, the stage is
 * reissued.
 */
public record StagePlan(
    String stage,
    String secretName,
    String roleArn,
    String region,
    int durationSeconds,
    String externalId,
    Map<String, String> sessionTags,
    String mountPath,
    IdentityPlan identity,
    String fingerprint) {

  /**
   * Plans the concrete stage {@code s}, a valid entry of the resource's spec, issued as {@code
   * identity}.
   */
  static StagePlan of(DeploymentCredential resource, StageSpec s, IdentityPlan identity) {
    DeploymentCredentialSpec spec = resource.getSpec();
    String region = StageSettings.region(spec, s);
    int duration = StageSettings.durationSeconds(spec, s);
    String mountPath = StageSettings.mountPath(spec);
    Map<String, String> tags =
        s.getSessionTags() == null ? Map.of() : new TreeMap<>(s.getSessionTags());
    String fingerprint =
        hash(
            String.join(
                "\n",
                s.getRoleArn(),
                region,
                Integer.toString(duration),
                String.valueOf(s.getExternalId()),
                tags.toString(),
                mountPath,
                String.valueOf(identity.serviceAccountName()),
                String.valueOf(identity.audience()),
                identity.sourceRoleArn().orElse("")));
    return new StagePlan(
        s.getName(),
        StageSettings.secretName(resource.getMetadata().getName(), spec, s.getName()),
        s.getRoleArn(),
        region,
        duration,
        s.getExternalId(),
        tags,
        mountPath,
        identity,
        fingerprint);
  }

  /** The STS side of this plan. */
  public IssueRequest request() {
    return new IssueRequest(stage, roleArn, region, durationSeconds, externalId, sessionTags);
  }

  /** Hex SHA-256, shortened: a change detector, not a security boundary. */
  static String hash(String value) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }
}
