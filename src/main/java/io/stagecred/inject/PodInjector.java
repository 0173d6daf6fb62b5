package io.stagecred.inject;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Adds the sidecar to a pod, as deploy/examples/serverless-sidecar-job.yaml spells it out by hand:
 * a native sidecar (an init container that restarts always, held ready by a startup probe), an
 * in-memory volume shared with the chosen containers at the same path, a projected web-identity
 * token for the sidecar only, and the variables each chosen container's AWS tools read. A
 * container's own variables are kept. Pure: a pod in, a new pod out (the input is not changed).
 */
public final class PodInjector {

  /** The injected container's name (reserved). */
  public static final String SIDECAR = "stagecred";

  /** The shared in-memory volume. */
  public static final String VOLUME = "stagecred";

  /** The sidecar's writable /tmp (its root filesystem is read-only). */
  public static final String TMP_VOLUME = "stagecred-tmp";

  /** The sidecar's projected web-identity token. */
  public static final String TOKEN_VOLUME = "stagecred-token";

  /** The sidecar's API token, CA and namespace, to read the DeploymentCredential. */
  public static final String API_VOLUME = "stagecred-kube-api";

  /** Where the sidecar's web-identity token is mounted (not IRSA's path: IRSA may add its own). */
  public static final String TOKEN_DIR = "/var/run/secrets/stagecred.io/serviceaccount";

  /** Where Kubernetes clients look for the API token. */
  public static final String API_TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  public static final int HEALTH_PORT = 8099;
  public static final int ENDPOINT_PORT = 9911;

  /** The image's user and group. */
  static final long IMAGE_USER = 185;

  /** EKS's pod identity webhook leaves the containers this annotation lists alone. */
  public static final String IRSA_SKIP = "eks.amazonaws.com/skip-containers";

  private static final List<String> RESERVED_VOLUMES =
      List.of(VOLUME, TMP_VOLUME, TOKEN_VOLUME, API_VOLUME);

  /** Variables that, set in a chosen container, win over the injected endpoint in the SDKs. */
  private static final List<String> SHADOWING =
      List.of("AWS_ACCESS_KEY_ID", "AWS_PROFILE", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private PodInjector() {}

  /**
   * The injected pod, what was injected (for the {@code stagecred.io/injected} annotation) and
   * warnings for the user; or the problems that keep this pod from being injected.
   */
  public record Result(Pod pod, String summary, List<String> warnings, List<String> problems) {
    static Result refused(List<String> problems) {
      return new Result(null, null, List.of(), List.copyOf(problems));
    }
  }

  /** Injects the sidecar for {@code target} into {@code original}, in {@code namespace}. */
  public static Result inject(
      Pod original,
      String namespace,
      InjectAnnotations request,
      InjectionTarget target,
      SidecarTemplate template) {
    PodSpec spec = original.getSpec();
    List<String> problems = new ArrayList<>();
    for (Volume volume : list(spec.getVolumes())) {
      if (RESERVED_VOLUMES.contains(volume.getName())) {
        problems.add(
            "volume '"
                + volume.getName()
                + "' is reserved for the injected sidecar: rename the pod's volume");
      }
    }
    for (Container init : list(spec.getInitContainers())) {
      if (SIDECAR.equals(init.getName())) {
        problems.add(
            "init container name '"
                + SIDECAR
                + "' is reserved for the injected sidecar: rename that container");
      }
    }
    for (Container c : chosen(spec, request)) {
      for (VolumeMount m : list(c.getVolumeMounts())) {
        if (target.mountPath().equals(m.getMountPath())) {
          problems.add(
              "container '"
                  + c.getName()
                  + "' already mounts volume '"
                  + m.getName()
                  + "' at "
                  + target.mountPath()
                  + ", where the credentials go: move that mount (or the DeploymentCredential's"
                  + " spec.mountPath)");
        }
      }
    }
    if (!problems.isEmpty()) {
      return Result.refused(problems);
    }

    Pod pod = SERIALIZATION.clone(original);
    PodSpec out = pod.getSpec();
    List<String> warnings = new ArrayList<>();
    List<EnvVar> consumerEnv = consumerEnv(request, target);
    for (Container c : chosen(out, request)) {
      List<EnvVar> env = new ArrayList<>(list(c.getEnv()));
      Set<String> own = new LinkedHashSet<>();
      env.forEach(e -> own.add(e.getName()));
      for (EnvVar add : consumerEnv) {
        if (!own.contains(add.getName())) {
          env.add(add);
        }
      }
      if (request.mode().endpoint()) {
        SHADOWING.stream()
            .filter(own::contains)
            .forEach(
                name ->
                    warnings.add(
                        "container '"
                            + c.getName()
                            + "' sets "
                            + name
                            + ", which AWS SDKs read before the injected credentials endpoint:"
                            + " remove it to use the stage's credentials"));
      }
      c.setEnv(env);
      List<VolumeMount> mounts = new ArrayList<>(list(c.getVolumeMounts()));
      mounts.add(mount(VOLUME, target.mountPath(), true));
      c.setVolumeMounts(mounts);
    }

    List<Container> inits = new ArrayList<>(list(out.getInitContainers()));
    inits.add(0, sidecar(out, namespace, request, target, template, warnings));
    out.setInitContainers(inits);

    List<Volume> volumes = new ArrayList<>(list(out.getVolumes()));
    volumes.addAll(volumes(target));
    out.setVolumes(volumes);

    String summary = summary(request, target, template);
    Map<String, String> annotations =
        new LinkedHashMap<>(
            Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of()));
    annotations.put(InjectAnnotations.INJECTED, summary);
    if (request.mode().endpoint()) {
      // EKS IRSA would otherwise give the deploy containers a web identity, which the SDKs
      // prefer to the endpoint.
      LinkedHashSet<String> skip = new LinkedHashSet<>();
      Optional.ofNullable(annotations.get(IRSA_SKIP)).stream()
          .flatMap(v -> Stream.of(v.split(",")))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .forEach(skip::add);
      skip.addAll(request.containers());
      annotations.put(IRSA_SKIP, String.join(",", skip));
    }
    pod.getMetadata().setAnnotations(annotations);
    return new Result(pod, summary, List.copyOf(warnings), List.of());
  }

  /** Whether {@code pod} already carries the sidecar this webhook injects. */
  public static boolean injected(Pod pod) {
    return list(pod.getSpec().getInitContainers()).stream()
        .anyMatch(c -> SIDECAR.equals(c.getName()));
  }

  /** The variables the chosen containers get, for {@code request}'s mode. */
  static List<EnvVar> consumerEnv(InjectAnnotations request, InjectionTarget target) {
    String dir = target.mountPath();
    List<EnvVar> env = new ArrayList<>();
    if (request.mode().endpoint()) {
      env.add(
          env(
              "AWS_CONTAINER_CREDENTIALS_FULL_URI",
              "http://127.0.0.1:" + ENDPOINT_PORT + "/credentials"));
      env.add(env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", dir + "/endpoint-token"));
    }
    if (request.mode() == InjectionMode.FILES) {
      env.add(env("AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials"));
    }
    if (request.mode() != InjectionMode.ENDPOINT) {
      // The config names the region and the refreshing <stage>-process profile. In "both" the
      // credentials file is left out on purpose: its [default] holds static keys, which every SDK
      // would take before it asks the endpoint.
      env.add(env("AWS_CONFIG_FILE", dir + "/config"));
      env.add(env("AWS_SDK_LOAD_CONFIG", "1"));
    }
    if (request.mode() == InjectionMode.FILES) {
      env.add(env("AWS_PROFILE", target.stage()));
    }
    env.add(env("AWS_REGION", target.region()));
    env.add(env("AWS_DEFAULT_REGION", target.region()));
    return env;
  }

  private static Container sidecar(
      PodSpec spec,
      String namespace,
      InjectAnnotations request,
      InjectionTarget target,
      SidecarTemplate template,
      List<String> warnings) {
    List<EnvVar> env = new ArrayList<>();
    env.add(env("STAGECRED_STAGE", target.stage()));
    if (target.deploymentCredential().isPresent()) {
      env.add(env("STAGECRED_DEPLOYMENT_CREDENTIAL", target.deploymentCredential().get()));
      env.add(env("STAGECRED_NAMESPACE", namespace));
    } else {
      env.add(env("STAGECRED_ROLE_ARN", target.roleArn()));
    }
    env.add(env("STAGECRED_OUTPUT_DIR", target.mountPath()));
    if (request.mode().endpoint()) {
      env.add(env("STAGECRED_ENDPOINT_PORT", Integer.toString(ENDPOINT_PORT)));
    }
    env.add(env("AWS_WEB_IDENTITY_TOKEN_FILE", TOKEN_DIR + "/token"));
    env.add(env("AWS_REGION", target.region()));

    List<VolumeMount> mounts = new ArrayList<>();
    mounts.add(mount(VOLUME, target.mountPath(), false));
    mounts.add(mount(TOKEN_VOLUME, TOKEN_DIR, true));
    if (target.deploymentCredential().isPresent()) {
      mounts.add(mount(API_VOLUME, API_TOKEN_DIR, true));
    }
    mounts.add(mount(TMP_VOLUME, "/tmp", false));

    return new ContainerBuilder()
        .withName(SIDECAR)
        .withImage(template.image())
        .withImagePullPolicy(template.imagePullPolicy())
        .withRestartPolicy("Always")
        .withArgs("sidecar")
        .addNewPort()
        .withName("health")
        .withContainerPort(HEALTH_PORT)
        .withProtocol("TCP")
        .endPort()
        .withEnv(env)
        .withStartupProbe(probe("/q/health/ready", 1, 1, 120))
        .withReadinessProbe(probe("/q/health/ready", 10, 2, 3))
        .withLivenessProbe(probe("/q/health/live", 20, 2, 3))
        .withNewResources()
        .addToRequests("cpu", new Quantity("50m"))
        .addToRequests("memory", new Quantity("144Mi"))
        .addToLimits("memory", new Quantity("192Mi"))
        .endResources()
        .withSecurityContext(securityContext(spec, request, warnings))
        .withVolumeMounts(mounts)
        .build();
  }

  /**
   * The restricted profile, as the image's user. The files are written with mode 0640, so the
   * deploy user must share their group: the pod's fsGroup does that (the volume's set-group-ID
   * directory), else the sidecar runs with the first chosen container's group.
   */
  private static SecurityContext securityContext(
      PodSpec spec, InjectAnnotations request, List<String> warnings) {
    PodSecurityContext pod = spec.getSecurityContext();
    Long group = null;
    if (pod == null || pod.getFsGroup() == null) {
      Container first =
          chosen(spec, request).stream().findFirst().orElseThrow(IllegalStateException::new);
      Long user = effective(first, pod, true);
      group = effective(first, pod, false);
      if (group == null && user != null && user != 0) {
        warnings.add(
            "container '"
                + first.getName()
                + "' runs as user "
                + user
                + " with no group the sidecar can share: set the pod's securityContext.fsGroup"
                + " (or runAsGroup) so that it can read the credential files");
      }
    }
    return new SecurityContextBuilder()
        .withRunAsNonRoot(true)
        .withRunAsUser(IMAGE_USER)
        .withRunAsGroup(group == null ? IMAGE_USER : group)
        .withReadOnlyRootFilesystem(true)
        .withAllowPrivilegeEscalation(false)
        .withNewCapabilities()
        .withDrop("ALL")
        .endCapabilities()
        .withNewSeccompProfile()
        .withType("RuntimeDefault")
        .endSeccompProfile()
        .build();
  }

  /** The container's runAsUser (or runAsGroup), else the pod's, else unknown. */
  private static Long effective(Container c, PodSecurityContext pod, boolean user) {
    SecurityContext own = c.getSecurityContext();
    Long value = own == null ? null : user ? own.getRunAsUser() : own.getRunAsGroup();
    if (value == null && pod != null) {
      value = user ? pod.getRunAsUser() : pod.getRunAsGroup();
    }
    return value;
  }

  private static List<Volume> volumes(InjectionTarget target) {
    List<Volume> volumes = new ArrayList<>();
    // Credentials never touch the node's disk.
    volumes.add(
        new VolumeBuilder()
            .withName(VOLUME)
            .withNewEmptyDir()
            .withMedium("Memory")
            .withSizeLimit(new Quantity("1Mi"))
            .endEmptyDir()
            .build());
    volumes.add(
        new VolumeBuilder()
            .withName(TMP_VOLUME)
            .withNewEmptyDir()
            .withSizeLimit(new Quantity("16Mi"))
            .endEmptyDir()
            .build());
    volumes.add(
        new VolumeBuilder()
            .withName(TOKEN_VOLUME)
            .withNewProjected()
            .addNewSource()
            .withNewServiceAccountToken()
            .withAudience(target.audience())
            .withExpirationSeconds(3600L)
            .withPath("token")
            .endServiceAccountToken()
            .endSource()
            .endProjected()
            .build());
    if (target.deploymentCredential().isPresent()) {
      volumes.add(
          new VolumeBuilder()
              .withName(API_VOLUME)
              .withNewProjected()
              .addNewSource()
              .withNewServiceAccountToken()
              .withExpirationSeconds(3607L)
              .withPath("token")
              .endServiceAccountToken()
              .endSource()
              .addNewSource()
              .withNewConfigMap()
              .withName("kube-root-ca.crt")
              .addNewItem()
              .withKey("ca.crt")
              .withPath("ca.crt")
              .endItem()
              .endConfigMap()
              .endSource()
              .addNewSource()
              .withNewDownwardAPI()
              .addNewItem()
              .withPath("namespace")
              .withNewFieldRef()
              .withApiVersion("v1")
              .withFieldPath("metadata.namespace")
              .endFieldRef()
              .endItem()
              .endDownwardAPI()
              .endSource()
              .endProjected()
              .build());
    }
    return volumes;
  }

  private static String summary(
      InjectAnnotations request, InjectionTarget target, SidecarTemplate template) {
    return "sidecar "
        + SIDECAR
        + " ("
        + template.image()
        + ") serving stage "
        + target.stage()
        + " from "
        + target.origin()
        + "; mode "
        + request.mode().value()
        + " for containers "
        + String.join(",", request.containers())
        + "; volume "
        + VOLUME
        + " at "
        + target.mountPath();
  }

  private static List<Container> chosen(PodSpec spec, InjectAnnotations request) {
    return list(spec.getContainers()).stream()
        .filter(c -> request.containers().contains(c.getName()))
        .toList();
  }

  private static Probe probe(String path, int period, int timeout, int failures) {
    return new ProbeBuilder()
        .withNewHttpGet()
        .withPath(path)
        .withPort(new IntOrString(HEALTH_PORT))
        .endHttpGet()
        .withPeriodSeconds(period)
        .withTimeoutSeconds(timeout)
        .withFailureThreshold(failures)
        .build();
  }

  private static VolumeMount mount(String name, String path, boolean readOnly) {
    VolumeMount m = new VolumeMount();
    m.setName(name);
    m.setMountPath(path);
    if (readOnly) {
      m.setReadOnly(true);
    }
    return m;
  }

  private static EnvVar env(String name, String value) {
    return new EnvVar(name, value, null);
  }

  private static <T> List<T> list(List<T> maybe) {
    return maybe == null ? List.of() : maybe.stream().filter(Objects::nonNull).toList();
  }
}
