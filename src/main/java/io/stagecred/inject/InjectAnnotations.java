package io.stagecred.inject;

import io.stagecred.api.Patterns;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The pod annotations of the injection contract, read and checked. Pure: a pod's annotations and
 * container names in, either what it asks for or the problems (each naming its annotation and the
 * fix) out.
 *
 * @param deploymentCredential the resource to resolve the stage from, or empty when {@code roleArn}
 * @param containers the containers that get the credentials, in the pod's order
 */
public record InjectAnnotations(
    String stage,
    Optional<String> deploymentCredential,
    Optional<String> roleArn,
    Optional<String> region,
    List<String> containers,
    InjectionMode mode) {

  public static final String PREFIX = "stagecred.io/";

  /** The label that opts a pod in (the webhook's object selector). */
  public static final String LABEL = PREFIX + "inject";

  public static final String STAGE = PREFIX + "stage";
  public static final String DEPLOYMENT_CREDENTIAL = PREFIX + "deployment-credential";
  public static final String ROLE_ARN = PREFIX + "role-arn";
  public static final String REGION = PREFIX + "region";
  public static final String CONTAINERS = PREFIX + "containers";
  public static final String MODE = PREFIX + "mode";
  public static final String INJECTED = PREFIX + "injected";

  private static final Pattern STAGE_NAME = Pattern.compile(Patterns.STAGE_NAME);
  private static final Pattern RESOURCE_NAME = Pattern.compile(Patterns.DNS_SUBDOMAIN);
  private static final Pattern ROLE = Pattern.compile(Patterns.ROLE_ARN);
  private static final Pattern REGION_NAME = Pattern.compile(Patterns.REGION);

  /** Either the request or the problems that deny the pod. */
  public record Parsed(InjectAnnotations request, List<String> problems) {}

  /**
   * Reads {@code annotations} of a pod whose regular containers are {@code containerNames} (the
   * sidecar's own name among them is a problem: it is reserved).
   */
  public static Parsed read(Map<String, String> annotations, List<String> containerNames) {
    Map<String, String> a = annotations == null ? Map.of() : annotations;
    List<String> problems = new ArrayList<>();

    String stage = trimmed(a.get(STAGE));
    if (stage == null) {
      problems.add(
          "annotation "
              + STAGE
              + " is required: set it to the stage this pod deploys, e.g. "
              + STAGE
              + ": dev");
    } else if (!STAGE_NAME.matcher(stage).matches()) {
      problems.add(
          "annotation "
              + STAGE
              + " is '"
              + stage
              + "': a stage is lowercase letters, digits and '-' (at most 63, no '*'; patterns"
              + " belong in the DeploymentCredential), e.g. pr-42");
    }

    Optional<String> resource = Optional.ofNullable(trimmed(a.get(DEPLOYMENT_CREDENTIAL)));
    Optional<String> role = Optional.ofNullable(trimmed(a.get(ROLE_ARN)));
    if (resource.isPresent() && role.isPresent()) {
      problems.add(
          "annotations "
              + DEPLOYMENT_CREDENTIAL
              + " and "
              + ROLE_ARN
              + " contradict each other: keep one (the resource resolves the stage's role; the"
              + " role ARN names it directly)");
    } else if (resource.isEmpty() && role.isEmpty()) {
      problems.add(
          "annotation "
              + DEPLOYMENT_CREDENTIAL
              + " (a DeploymentCredential in the pod's namespace) or "
              + ROLE_ARN
              + " (the stage's role) is required");
    }
    resource
        .filter(r -> !RESOURCE_NAME.matcher(r).matches() || r.length() > 253)
        .ifPresent(
            r ->
                problems.add(
                    "annotation "
                        + DEPLOYMENT_CREDENTIAL
                        + " is '"
                        + r
                        + "', not a resource name: use the metadata.name of a"
                        + " DeploymentCredential in the pod's namespace"));
    role.filter(r -> !ROLE.matcher(r).matches())
        .ifPresent(
            r ->
                problems.add(
                    "annotation "
                        + ROLE_ARN
                        + " is not an IAM role ARN: use arn:aws:iam::<account>:role/<name>"));

    Optional<String> region = Optional.ofNullable(trimmed(a.get(REGION)));
    region
        .filter(r -> !REGION_NAME.matcher(r).matches())
        .ifPresent(
            r ->
                problems.add(
                    "annotation " + REGION + " is '" + r + "': use a region name like us-east-1"));
    if (region.isPresent() && resource.isPresent()) {
      problems.add(
          "annotation "
              + REGION
              + " applies to "
              + ROLE_ARN
              + " only: the DeploymentCredential names each stage's region; remove it");
    }

    InjectionMode mode = InjectionMode.BOTH;
    String modeValue = trimmed(a.get(MODE));
    if (modeValue != null) {
      Optional<InjectionMode> parsed = InjectionMode.parse(modeValue);
      if (parsed.isEmpty()) {
        problems.add(
            "annotation "
                + MODE
                + " is '"
                + modeValue
                + "': use one of "
                + InjectionMode.accepted());
      } else {
        mode = parsed.get();
      }
    }

    List<String> containers = containers(a.get(CONTAINERS), containerNames, problems);
    return new Parsed(
        problems.isEmpty()
            ? new InjectAnnotations(stage, resource, role, region, containers, mode)
            : null,
        List.copyOf(problems));
  }

  private static List<String> containers(
      String listed, List<String> containerNames, List<String> problems) {
    if (containerNames.contains(PodInjector.SIDECAR)) {
      problems.add(
          "container name '"
              + PodInjector.SIDECAR
              + "' is reserved for the injected sidecar: rename that container");
    }
    String value = trimmed(listed);
    if (value == null) {
      return containerNames.stream().filter(n -> !PodInjector.SIDECAR.equals(n)).toList();
    }
    LinkedHashSet<String> chosen = new LinkedHashSet<>();
    for (String part : value.split(",", -1)) {
      String name = part.trim();
      if (name.isEmpty()) {
        problems.add(
            "annotation "
                + CONTAINERS
                + " has an empty entry: list container names separated by commas");
      } else if (PodInjector.SIDECAR.equals(name)) {
        problems.add(
            "annotation "
                + CONTAINERS
                + " names '"
                + name
                + "', the sidecar itself: list the containers that use the credentials");
      } else if (!containerNames.contains(name)) {
        problems.add(
            "annotation "
                + CONTAINERS
                + " names '"
                + name
                + "', which is not a container of this pod (containers: "
                + String.join(", ", containerNames)
                + ")");
      } else {
        chosen.add(name);
      }
    }
    // The pod's order, whatever the annotation's.
    return containerNames.stream().filter(chosen::contains).toList();
  }

  private static String trimmed(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.trim();
  }
}
