package io.stagecred.render;

import io.stagecred.sts.IssuedCredentials;
import java.util.Objects;

/**
 * Reads a stage name, a region, issued credentials and a mount path; the only input of the
 * renderer, checked on construction so that every rendered file is well-formed.
 *
 * @param stage the profile name written into the files (a concrete stage name, e.g. {@code pr-42})
 * @param region the region written into {@code config} and the env keys
 * @param credentials what STS returned
 * @param mountPath where deploy pods mount the files; {@code null} means {@link
 *     #DEFAULT_MOUNT_PATH}
 */
public record RenderInput(
    String stage, String region, IssuedCredentials credentials, String mountPath) {

  /** Mount path used when the spec does not set {@code spec.mountPath}. */
  public static final String DEFAULT_MOUNT_PATH = "/var/run/stagecred";

  public RenderInput {
    Objects.requireNonNull(credentials, "credentials");
    mountPath = mountPath == null ? DEFAULT_MOUNT_PATH : mountPath;
    InputChecks.requireStage(stage);
    InputChecks.requireRegion(region);
    InputChecks.requireMountPath(mountPath);
    InputChecks.requireIniValue("credentials.accessKeyId", credentials.accessKeyId());
    InputChecks.requireIniValue("credentials.secretAccessKey", credentials.secretAccessKey());
    InputChecks.requireIniValue("credentials.sessionToken", credentials.sessionToken());
  }

  /** The path of {@code credential-process.json} as seen by the deploy container. */
  public String credentialProcessPath() {
    // "/" alone stays "/"; any trailing slashes are dropped so the command never shows "//".
    String dir = mountPath.replaceAll("/+$", "");
    return dir + "/" + SecretKeys.CREDENTIAL_PROCESS_JSON;
  }

  @Override
  public String toString() {
    // IssuedCredentials.toString() already hides the secret parts.
    return "RenderInput[stage="
        + stage
        + ", region="
        + region
        + ", credentials="
        + credentials
        + ", mountPath="
        + mountPath
        + "]";
  }
}
