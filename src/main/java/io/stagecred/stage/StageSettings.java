package io.stagecred.stage;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.StageSpec;
import io.stagecred.render.RenderInput;

/** Reads a spec and one of its stages; returns the effective values after defaults are applied. */
public final class StageSettings {

  /** Lifetime when neither the stage nor the spec sets durationSeconds. */
  public static final int DEFAULT_DURATION_SECONDS = 3600;

  /** STS caps role-chaining sessions at one hour, whatever the role's MaxSessionDuration says. */
  public static final int MAX_CHAINED_DURATION_SECONDS = 3600;

  public static final int MIN_DURATION_SECONDS = 900;
  public static final int MAX_DURATION_SECONDS = 43200;

  private StageSettings() {}

  /** stage.durationSeconds, else spec.durationSeconds, else 3600. */
  public static int durationSeconds(DeploymentCredentialSpec spec, StageSpec stage) {
    if (stage != null && stage.getDurationSeconds() != null) {
      return stage.getDurationSeconds();
    }
    return spec.getDurationSeconds() != null ? spec.getDurationSeconds() : DEFAULT_DURATION_SECONDS;
  }

  /** stage.region, else spec.region. */
  public static String region(DeploymentCredentialSpec spec, StageSpec stage) {
    return stage != null && stage.getRegion() != null ? stage.getRegion() : spec.getRegion();
  }

  /** spec.mountPath, else /var/run/stagecred. */
  public static String mountPath(DeploymentCredentialSpec spec) {
    return spec.getMountPath() != null ? spec.getMountPath() : RenderInput.DEFAULT_MOUNT_PATH;
  }

  /** {@code <spec.secretNamePrefix or metadata.name>-<stage>}. */
  public static String secretName(
      String resourceName, DeploymentCredentialSpec spec, String stage) {
    String prefix = spec.getSecretNamePrefix() != null ? spec.getSecretNamePrefix() : resourceName;
    return prefix + "-" + stage;
  }

  /**
   * Whether stage credentials come from a chained AssumeRole: identity.sourceRoleArn is set, or the
   * resource uses the operator's own token (no serviceAccountName) and the operator is configured
   * to chain.
   */
  public static boolean chained(DeploymentCredentialSpec spec, boolean operatorChains) {
    return chained(spec, null, operatorChains);
  }

  /**
   * Whether {@code stage} (null: a stage with no service account of its own) is issued with a
   * chained AssumeRole: always through a declared source role; through the operator's role when
   * neither the stage nor the resource names a service account and the operator chains.
   */
  public static boolean chained(
      DeploymentCredentialSpec spec, StageSpec stage, boolean operatorChains) {
    IdentitySpec id = spec.getIdentity();
    if (id != null && id.getSourceRoleArn() != null) {
      return true;
    }
    boolean ownAccount = stage != null && stage.getServiceAccountName() != null;
    return !ownAccount && (id == null || id.getServiceAccountName() == null) && operatorChains;
  }
}
