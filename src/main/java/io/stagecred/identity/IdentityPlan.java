package io.stagecred.identity;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.StageSpec;
import java.util.Optional;

/**
 * Who calls STS for one resource or stage, derived purely from its spec and the operator's
 * settings: a service account's minted token or the operator's own, optionally chained through a
 * source role.
 */
public record IdentityPlan(
    boolean operatorOwn,
    String serviceAccountName,
    String audience,
    Optional<String> sourceRoleArn,
    String subject) {

  /**
   * Plans the identity of {@code stage} (null: the resource's own) in {@code namespace}: the
   * stage's service account when it names one, else the resource's.
   *
   * @param operatorChains whether resources without identity chain through {@code operatorRoleArn}
   */
  public static IdentityPlan of(
      DeploymentCredentialSpec spec,
      StageSpec stage,
      String namespace,
      String defaultAudience,
      boolean operatorChains,
      Optional<String> operatorRoleArn) {
    IdentitySpec identity = spec.getIdentity();
    String sa =
        stage != null && stage.getServiceAccountName() != null
            ? stage.getServiceAccountName()
            : identity == null ? null : identity.getServiceAccountName();
    Optional<String> declaredSource =
        Optional.ofNullable(identity == null ? null : identity.getSourceRoleArn());
    if (sa != null) {
      String audience =
          identity == null || identity.getAudience() == null
              ? defaultAudience
              : identity.getAudience();
      return new IdentityPlan(
          false, sa, audience, declaredSource, "system:serviceaccount:" + namespace + ":" + sa);
    }
    return ownToken(declaredSource, operatorChains, operatorRoleArn, "the operator's own identity");
  }

  /**
   * A process's own token (the operator's, or a sidecar's pod's), chained through the declared
   * source role when there is one, else through {@code ownRoleArn} when {@code chains}.
   */
  public static IdentityPlan ownToken(
      Optional<String> declaredSource,
      boolean chains,
      Optional<String> ownRoleArn,
      String subject) {
    Optional<String> source =
        declaredSource.isPresent() ? declaredSource : (chains ? ownRoleArn : Optional.empty());
    return new IdentityPlan(true, null, null, source, subject);
  }

  /** Whether stage roles are reached with a chained AssumeRole. */
  public boolean chained() {
    return sourceRoleArn.isPresent();
  }
}
