package io.stagecred.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.StageSpec;
import io.stagecred.render.RenderInput;
import io.stagecred.sidecar.StageTarget;
import io.stagecred.sidecar.TargetResolver;
import io.stagecred.stage.Regions;
import io.stagecred.stage.StageResolver;
import io.stagecred.stage.StageSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The webhook's answer for one pod: read its annotations, resolve its stage, inject the sidecar.
 * Pure: the pod, its namespace and a lookup of DeploymentCredentials in, an {@link Outcome} out.
 */
public final class Admission {

  private Admission() {}

  /** What admission says. {@code patch} is set when {@code allowed} and the pod changes. */
  public record Outcome(
      Result result, String message, List<Map<String, Object>> patch, List<String> warnings) {

    public static Outcome denied(String message) {
      return new Outcome(Result.DENIED, message, List.of(), List.of());
    }

    public static Outcome unchanged() {
      return new Outcome(Result.UNCHANGED, null, List.of(), List.of());
    }

    public boolean allowed() {
      return result != Result.DENIED;
    }
  }

  /** The {@code result} label of stagecred_webhook_admissions_total. */
  public enum Result {
    INJECTED,
    /** Already injected (a reinvocation, or a pod created from an injected one). */
    UNCHANGED,
    DENIED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The operator's settings that shape injection. */
  public record Settings(
      SidecarTemplate template, String defaultAudience, boolean allowUnknownRegions) {}

  /**
   * Decides for {@code pod} being created in {@code namespace}; {@code lookup} finds a
   * DeploymentCredential of that namespace by name (empty: none).
   */
  public static Outcome decide(
      Pod pod,
      String namespace,
      Function<String, Optional<DeploymentCredential>> lookup,
      Settings settings) {
    Map<String, String> annotations =
        pod.getMetadata() == null ? Map.of() : pod.getMetadata().getAnnotations();
    if (pod.getSpec() == null) {
      return Outcome.denied("the pod has no spec");
    }
    if (PodInjector.injected(pod)) {
      return Outcome.unchanged();
    }
    if (annotations != null && annotations.containsKey(InjectAnnotations.INJECTED)) {
      return Outcome.denied(
          "annotation "
              + InjectAnnotations.INJECTED
              + " is written by the webhook, but this pod has no "
              + PodInjector.SIDECAR
              + " sidecar: remove the annotation (a pod copied from an injected one keeps it)");
    }
    List<String> names =
        Optional.ofNullable(pod.getSpec().getContainers()).orElse(List.of()).stream()
            .map(Container::getName)
            .toList();
    InjectAnnotations.Parsed parsed = InjectAnnotations.read(annotations, names);
    if (!parsed.problems().isEmpty()) {
      return Outcome.denied(String.join("; ", parsed.problems()));
    }
    InjectAnnotations request = parsed.request();
    if (request.containers().isEmpty()) {
      return Outcome.denied(
          "the pod has no container to give credentials to: spec.containers is empty");
    }
    TargetOrDenial resolved =
        request.deploymentCredential().isPresent()
            ? fromResource(pod, namespace, request, lookup, settings)
            : fromRole(pod, request, settings);
    if (resolved.denial() != null) {
      return Outcome.denied(resolved.denial());
    }
    PodInjector.Result injected =
        PodInjector.inject(pod, namespace, request, resolved.target(), settings.template());
    if (!injected.problems().isEmpty()) {
      return Outcome.denied(String.join("; ", injected.problems()));
    }
    List<String> warnings = new ArrayList<>(resolved.warnings());
    warnings.addAll(injected.warnings());
    return new Outcome(
        Result.INJECTED,
        injected.summary(),
        PodPatch.between(pod, injected.pod()),
        List.copyOf(warnings));
  }

  private record TargetOrDenial(InjectionTarget target, String denial, List<String> warnings) {
    TargetOrDenial(String denial) {
      this(null, denial, List.of());
    }
  }

  private static TargetOrDenial fromResource(
      Pod pod,
      String namespace,
      InjectAnnotations request,
      Function<String, Optional<DeploymentCredential>> lookup,
      Settings settings) {
    String name = request.deploymentCredential().orElseThrow();
    String described = "DeploymentCredential " + namespace + "/" + name;
    Optional<DeploymentCredential> found = lookup.apply(name);
    if (found.isEmpty()) {
      return new TargetOrDenial(
          "annotation "
              + InjectAnnotations.DEPLOYMENT_CREDENTIAL
              + " names "
              + described
              + ", which does not exist: create it, or name one of the namespace's resources"
              + " (kubectl get dcred -n "
              + namespace
              + ")");
    }
    DeploymentCredential resource = found.get();
    TargetResolver.Result result =
        TargetResolver.fromResource(
            resource,
            namespace,
            described,
            new TargetResolver.Asked(
                request.stage(),
                false,
                Optional.empty(),
                settings.allowUnknownRegions(),
                podName(pod)));
    if (result.failure() != null) {
      return new TargetOrDenial(
          "annotation "
              + InjectAnnotations.STAGE
              + " ("
              + request.stage()
              + "): "
              + result.failure().message());
    }
    StageTarget target = result.target();
    DeploymentCredentialSpec spec = resource.getSpec();
    String audience =
        Optional.ofNullable(spec.getIdentity())
            .map(i -> i.getAudience())
            .filter(a -> !a.isBlank())
            .orElse(settings.defaultAudience());
    return new TargetOrDenial(
        new InjectionTarget(
            request.stage(),
            Optional.of(name),
            target.request().roleArn(),
            target.request().region(),
            audience,
            StageSettings.mountPath(spec),
            target.origin()),
        null,
        accountWarning(pod, namespace, spec, request.stage()));
  }

  private static TargetOrDenial fromRole(Pod pod, InjectAnnotations request, Settings settings) {
    Optional<String> region =
        request
            .region()
            .or(() -> containerRegion(pod, request, "AWS_REGION"))
            .or(() -> containerRegion(pod, request, "AWS_DEFAULT_REGION"));
    if (region.isEmpty()) {
      return new TargetOrDenial(
          "annotation "
              + InjectAnnotations.REGION
              + " is required with "
              + InjectAnnotations.ROLE_ARN
              + " when the containers set no AWS_REGION: name the region STS is called in, e.g. "
              + InjectAnnotations.REGION
              + ": us-east-1");
    }
    if (!settings.allowUnknownRegions() && !Regions.known(region.get())) {
      return new TargetOrDenial(
          "region '"
              + region.get()
              + "' (annotation "
              + InjectAnnotations.REGION
              + " or the containers' AWS_REGION) is not an AWS region this release knows: fix"
              + " the name, or let the operator accept it ("
              + Regions.OVERRIDE
              + "=true)");
    }
    return new TargetOrDenial(
        new InjectionTarget(
            request.stage(),
            Optional.empty(),
            request.roleArn().orElseThrow(),
            region.get(),
            settings.defaultAudience(),
            RenderInput.DEFAULT_MOUNT_PATH,
            "annotation " + InjectAnnotations.ROLE_ARN),
        null,
        List.of());
  }

  /**
   * A warning when the resource meant the stage for another service account than the pod's: the
   * sidecar calls STS with the pod's own token, so the stage role must trust the pod's account (a
   * prod role that trusts only prod's account refuses it, which is the point of naming one).
   */
  private static List<String> accountWarning(
      Pod pod, String namespace, DeploymentCredentialSpec spec, String stage) {
    StageSpec entry = StageResolver.resolve(spec, stage).orElseThrow().stage();
    String declared =
        entry.getServiceAccountName() != null
            ? entry.getServiceAccountName()
            : spec.getIdentity() == null ? null : spec.getIdentity().getServiceAccountName();
    String own =
        Optional.ofNullable(pod.getSpec().getServiceAccountName())
            .filter(a -> !a.isBlank())
            .orElse("default");
    if (declared == null || declared.equals(own)) {
      return List.of();
    }
    return List.of(
        "stage "
            + stage
            + " is meant for service account "
            + declared
            + " (the DeploymentCredential's), but this pod runs as "
            + own
            + ": the sidecar calls STS with the pod's own token, so the stage's role must trust"
            + " system:serviceaccount:"
            + namespace
            + ":"
            + own
            + " (or run the pod as "
            + declared
            + ")");
  }

  /** A literal value of {@code variable} in the first chosen container that sets one. */
  private static Optional<String> containerRegion(
      Pod pod, InjectAnnotations request, String variable) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> request.containers().contains(c.getName()))
        .flatMap(c -> Stream.ofNullable(c.getEnv()).flatMap(List::stream))
        .filter(e -> variable.equals(e.getName()))
        .map(EnvVar::getValue)
        .filter(Objects::nonNull)
        .filter(v -> !v.isBlank())
        .findFirst();
  }

  private static String podName(Pod pod) {
    String name = pod.getMetadata().getName();
    if (name == null || name.isBlank()) {
      name = pod.getMetadata().getGenerateName();
    }
    return name == null || name.isBlank() ? "pod" : name;
  }
}
