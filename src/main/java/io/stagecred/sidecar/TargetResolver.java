package io.stagecred.sidecar;

import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.StageSpec;
import io.stagecred.failure.Failure;
import io.stagecred.failure.SpecFailure;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IssueRequest;
import io.stagecred.renewal.RenewalPolicy;
import io.stagecred.stage.Resolution;
import io.stagecred.stage.ResolveResult;
import io.stagecred.stage.SpecValidator;
import io.stagecred.stage.StageResolver;
import io.stagecred.stage.StageSettings;
import io.stagecred.stage.ValidationContext;
import io.stagecred.stage.Violation;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Reads the sidecar's settings and, when it uses one, a DeploymentCredential; returns the {@link
 * StageTarget} for the requested stage (exact name, else most specific pattern, else defaultStage)
 * or an InvalidSpec failure saying what to fix (a broken entry of another stage does not count).
 * Pure.
 */
public final class TargetResolver {

  /** Who calls STS, in failure messages. */
  static final String POD_IDENTITY = "the pod's own identity";

  private TargetResolver() {}

  /** Either a target or a failure. */
  public record Result(StageTarget target, Failure failure) {}

  /**
   * What a sidecar asks of a definition: the stage it serves and how it will call STS. The
   * admission webhook asks the same for the sidecar it is about to inject.
   *
   * @param chain STAGECRED_CHAIN
   * @param sourceRoleArn AWS_ROLE_ARN, the source role when chaining
   * @param podName names the STS session when the definition has no name
   */
  public record Asked(
      String stage,
      boolean chain,
      Optional<String> sourceRoleArn,
      boolean allowUnknownRegions,
      String podName) {

    /** What the sidecar configured by {@code settings} asks. */
    public static Asked of(SidecarSettings settings) {
      return new Asked(
          settings.stage(),
          settings.chain(),
          settings.sourceRoleArn(),
          settings.allowUnknownRegions(),
          settings.podName());
    }
  }

  /** The target of STAGECRED_ROLE_ARN: region, duration and chaining from the settings. */
  public static StageTarget fromRole(SidecarSettings settings) {
    String namespace = settings.namespace().orElse("sidecar");
    return new StageTarget(
        new IssueRequest(
            settings.stage(),
            settings.roleArn().orElseThrow(),
            settings.region().orElseThrow(),
            settings.durationSeconds(),
            null,
            null),
        identity(Optional.empty(), Asked.of(settings)),
        Optional.empty(),
        namespace,
        settings.podName(),
        "STAGECRED_ROLE_ARN");
  }

  /**
   * The target for {@code settings.stage()} in {@code resource}, whose spec is validated first like
   * the operator does, so a broken definition is named field by field.
   */
  public static Result fromResource(
      DeploymentCredential resource, String namespace, String described, SidecarSettings settings) {
    return fromResource(resource, namespace, described, Asked.of(settings));
  }

  /**
   * {@link #fromResource(DeploymentCredential, String, String, SidecarSettings)} for {@code asked}.
   */
  public static Result fromResource(
      DeploymentCredential resource, String namespace, String described, Asked settings) {
    String name = resource.getMetadata() == null ? null : resource.getMetadata().getName();
    DeploymentCredentialSpec spec = resource.getSpec();
    if (spec == null) {
      return invalid(described + " has no spec: add spec.region and spec.stages");
    }
    List<Violation> violations =
        SpecValidator.validate(
            spec,
            new ValidationContext(
                name == null ? "definition" : name,
                settings.chain(),
                settings.allowUnknownRegions()));
    // Like the operator, only what concerns the whole definition, or the entry this stage resolves
    // to, stops the sidecar: another stage's broken entry is that stage's problem.
    List<Violation> resourceWide = violations.stream().filter(Violation::resourceWide).toList();
    if (!resourceWide.isEmpty()) {
      return invalid(described + " is invalid: " + listed(resourceWide));
    }
    ResolveResult resolved = StageResolver.resolve(spec, settings.stage());
    if (!resolved.isResolved()) {
      return invalid(described + ": " + resolved.error().orElseThrow());
    }
    Resolution resolution = resolved.orElseThrow();
    StageSpec entry = resolution.stage();
    int index = indexOf(spec.getStages(), entry);
    List<Violation> own =
        violations.stream().filter(v -> Objects.equals(v.stageIndex(), index)).toList();
    if (!own.isEmpty()) {
      return invalid(
          described
              + ": entry '"
              + entry.getName()
              + "', which stage "
              + settings.stage()
              + " resolves to, is invalid: "
              + listed(own));
    }
    Optional<Duration> renewBefore =
        Optional.ofNullable(spec.getRenewBefore()).map(RenewalPolicy::parseDuration);
    IssueRequest request =
        new IssueRequest(
            settings.stage(),
            entry.getRoleArn(),
            StageSettings.region(spec, entry),
            StageSettings.durationSeconds(spec, entry),
            entry.getExternalId(),
            entry.getSessionTags());
    String origin =
        described
            + ", entry '"
            + entry.getName()
            + "' ("
            + resolution.match().name().toLowerCase(Locale.ROOT)
            + ")";
    IdentityPlan identity =
        identity(
            Optional.ofNullable(
                spec.getIdentity() == null ? null : spec.getIdentity().getSourceRoleArn()),
            settings);
    return new Result(
        new StageTarget(
            request,
            identity,
            renewBefore,
            namespace,
            name == null ? settings.podName() : name,
            origin),
        null);
  }

  /** {@link #fromResource} for a loaded definition, or the failure that loading it met. */
  public static Result fromResourceOrFailure(Definitions.Loaded loaded, SidecarSettings settings) {
    if (loaded.failure() != null) {
      return new Result(null, loaded.failure());
    }
    return fromResource(loaded.resource(), loaded.namespace(), loaded.described(), settings);
  }

  /**
   * The pod's own token, chained through the definition's sourceRoleArn when it declares one, else
   * through AWS_ROLE_ARN when STAGECRED_CHAIN is true. The definition's serviceAccountName and
   * audience do not apply: the pod's token is whatever its projected volume holds.
   */
  private static IdentityPlan identity(Optional<String> declaredSource, Asked settings) {
    return IdentityPlan.ownToken(
        declaredSource, settings.chain(), settings.sourceRoleArn(), POD_IDENTITY);
  }

  private static Result invalid(String message) {
    return new Result(null, SpecFailure.invalid(message));
  }

  private static String listed(List<Violation> violations) {
    return violations.stream().limit(5).map(Violation::toString).collect(Collectors.joining("; "));
  }

  /** The position of {@code entry} itself (not an equal one) in {@code stages}. */
  private static int indexOf(List<StageSpec> stages, StageSpec entry) {
    for (int i = 0; i < stages.size(); i++) {
      if (stages.get(i) == entry) {
        return i;
      }
    }
    return -1;
  }
}
