package io.stagecred.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.demo.DemoBootstrap;
import io.stagecred.stage.Resolution;
import io.stagecred.stage.StageResolver;
import io.stagecred.stage.StageSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The sidecar examples under deploy/examples, read as Kubernetes objects, agree with each other,
 * with the DeploymentCredential they name, with the sidecar contract of the design, and with the
 * image (Dockerfile and entrypoint script). Each test states one promise that a copy-paste error in
 * a manifest would break. Plain JUnit: nothing here starts Quarkus.
 */
class SidecarManifestsTest {

  private static final Path EXAMPLES = Path.of("deploy", "examples");
  private static final String SIDECAR_JOB = "serverless-sidecar-job.yaml";
  private static final String INIT_JOB = "serverless-init-job.yaml";
  private static final String RBAC = "sidecar-rbac.yaml";
  private static final String DEFINITIONS = "deploymentcredential.yaml";

  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final Path ENTRYPOINT =
      Path.of("src", "main", "docker", "stagecred-entrypoint.sh");
  private static final String JAR = "/deployments/quarkus-run.jar";
  private static final List<String> SIDECAR_JVM =
      List.of(
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Xss512k",
          "-Xmx64m",
          "-XX:MaxMetaspaceSize=96m",
          "-XX:ReservedCodeCacheSize=32m",
          "-Xshare:auto");
  private static final List<String> OTHER_JVM = List.of("-XX:MaxRAMPercentage=75");

  /** Contract defaults and fixed values of the sidecar mode. */
  private static final String DEFAULT_OUTPUT_DIR = "/var/run/stagecred";

  private static final int HEALTH_PORT = 8099;
  private static final String DEFAULT_AUDIENCE = "sts.amazonaws.com";
  private static final String API_TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

  /** Container names the examples use (and eks.amazonaws.com/skip-containers names). */
  private static final String SIDECAR = "stagecred";

  private static final String DEPLOY = "deploy";

  private static final KubernetesSerialization SERIALIZATION = serialization();

  private static KubernetesSerialization serialization() {
    KubernetesSerialization serialization = new KubernetesSerialization();
    serialization.registerKubernetesResource(DeploymentCredential.class);
    return serialization;
  }

  static Stream<String> jobs() {
    return Stream.of(SIDECAR_JOB, INIT_JOB);
  }

  // ---- the native sidecar ----------------------------------------------------------------------

  @Test
  void theNativeSidecarIsAnInitContainerThatRestartsAlwaysAndHoldsTheDeployBackUntilReady() {
    PodSpec pod = pod(SIDECAR_JOB);
    Container sidecar = sidecar(pod);
    assertThat(sidecar.getRestartPolicy())
        .as("an init container with restartPolicy Always is a native sidecar")
        .isEqualTo("Always");
    assertThat(sidecar.getArgs()).as("image args pick the sidecar mode").containsExactly("sidecar");
    assertThat(sidecar.getImage()).startsWith("ghcr.io/stagecred/stagecred:");
    assertThat(env(sidecar).get("STAGECRED_ONCE"))
        .as("a native sidecar that exits after one write would be restarted over and over")
        .isNotEqualToIgnoringCase("true");
    assertHttpProbe(
        sidecar,
        sidecar.getStartupProbe(),
        "/q/health/ready",
        "the startup probe holds the deploy container back until the first credentials exist");
    assertHttpProbe(sidecar, sidecar.getReadinessProbe(), "/q/health/ready", "the readiness probe");
    assertHttpProbe(sidecar, sidecar.getLivenessProbe(), "/q/health/live", "the liveness probe");
    assertThat(pod.getRestartPolicy()).as("a Job's pod").isEqualTo("Never");
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void theSharedVolumeIsInMemoryAndMountedAtTheSamePathInBothContainers(String file) {
    PodSpec pod = pod(file);
    String dir = outputDir(sidecar(pod));
    VolumeMount sidecarMount =
        mountAt(sidecar(pod), dir)
            .orElseThrow(() -> new AssertionError(file + ": the sidecar mounts nothing at " + dir));
    Volume volume = volume(pod, sidecarMount.getName());
    assertThat(volume.getEmptyDir())
        .as("%s: volume %s is an emptyDir", file, volume.getName())
        .isNotNull();
    assertThat(volume.getEmptyDir().getMedium())
        .as("%s: credentials stay in memory, off the node's disk", file)
        .isEqualTo("Memory");
    assertThat(sidecarMount.getReadOnly())
        .as("%s: the sidecar writes the volume", file)
        .isNotEqualTo(Boolean.TRUE);
    Optional<VolumeMount> deployMount = mountOf(deploy(pod), volume.getName());
    assertThat(deployMount)
        .as("%s: the deploy container mounts %s", file, volume.getName())
        .isPresent();
    assertThat(deployMount.get().getMountPath())
        .as(
            "%s: the same path in both containers, because the config file's credential_process"
                + " names the sidecar's path",
            file)
        .isEqualTo(sidecarMount.getMountPath());
    assertThat(deployMount.get().getReadOnly())
        .as("%s: the deploy container only reads the credentials", file)
        .isTrue();
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void theSharedMountIsTheSidecarsOutputDirectoryAndTheResourcesMountPath(String file) {
    PodSpec pod = pod(file);
    Container sidecar = sidecar(pod);
    String dir = outputDir(sidecar);
    assertThat(mountAt(sidecar, dir))
        .as(
            "%s: STAGECRED_OUTPUT_DIR (default %s) is where the volume is",
            file, DEFAULT_OUTPUT_DIR)
        .isPresent();
    assertThat(StageSettings.mountPath(definition(file).getSpec()))
        .as("%s: spec.mountPath of the resource (the path its credential_process names)", file)
        .isEqualTo(dir);
  }

  @Test
  void theEndpointUriNamesTheSidecarsPortOnIpv4Loopback() {
    PodSpec pod = pod(SIDECAR_JOB);
    String port = env(sidecar(pod)).get("STAGECRED_ENDPOINT_PORT");
    assertThat(port).as("the sidecar serves an endpoint").isNotBlank();
    String uri = env(deploy(pod)).get("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    assertThat(uri).as("the deploy container asks the endpoint").isNotBlank();
    URI endpoint = URI.create(uri);
    assertThat(endpoint.getScheme()).isEqualTo("http");
    assertThat(endpoint.getHost())
        .as("SDK JS v2 and v3 accept no other loopback address over plain http")
        .isEqualTo("127.0.0.1");
    assertThat(endpoint.getPort())
        .as("the port the sidecar listens on")
        .isEqualTo(Integer.parseInt(port));
    assertThat(endpoint.getPath()).isEqualTo("/credentials");
    assertThat(Integer.parseInt(port))
        .as("the endpoint and the health port")
        .isNotEqualTo(HEALTH_PORT);
  }

  @Test
  void theEndpointTokenFileIsTheSidecarsTokenInsideTheSharedMount() {
    PodSpec pod = pod(SIDECAR_JOB);
    Container sidecar = sidecar(pod);
    String expected =
        env(sidecar)
            .getOrDefault("STAGECRED_ENDPOINT_TOKEN_FILE", outputDir(sidecar) + "/endpoint-token");
    String tokenFile = env(deploy(pod)).get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    assertThat(tokenFile).as("the token file the sidecar generates").isEqualTo(expected);
    String shared = mountAt(sidecar, outputDir(sidecar)).orElseThrow().getName();
    String deployDir = mountOf(deploy(pod), shared).orElseThrow().getMountPath();
    assertThat(inside(tokenFile, deployDir))
        .as(
            "%s lies inside the deploy container's mount of the shared volume (%s)",
            tokenFile, deployDir)
        .isTrue();
  }

  @Test
  void theDeployContainerAsksTheEndpointAndNothingTakesPrecedenceOverIt() {
    Container deploy = deploy(pod(SIDECAR_JOB));
    assertThat(env(deploy))
        .as(
            "profiles and keys come before the endpoint in the SDK chains; the files path stays"
                + " a commented alternative")
        .doesNotContainKeys(
            "AWS_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SHARED_CREDENTIALS_FILE",
            "AWS_CONFIG_FILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE");
    assertThat(deploy.getEnvFrom()).as("no Secret's keys in the deploy container").isEmpty();
  }

  // ---- stage, resource, identity, RBAC ---------------------------------------------------------

  @ParameterizedTest
  @MethodSource("jobs")
  void theSidecarServesTheStageTheDeployCommandDeploys(String file) {
    Job job = job(file);
    String stage = stage(file);
    assertThat(stage).as("%s: STAGECRED_STAGE", file).isNotBlank();
    assertThat(deployedStage(deploy(pod(file))))
        .as("%s: --stage of the deploy command", file)
        .isEqualTo(stage);
    assertThat(job.getMetadata().getLabels())
        .as("%s: the Job's stage label", file)
        .containsEntry("stagecred.io/stage", stage);
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void theNamedDeploymentCredentialExistsInTheJobsNamespaceAndResolvesTheStage(String file) {
    DeploymentCredentialSpec spec = definition(file).getSpec();
    Resolution resolution = StageResolver.resolve(spec, stage(file)).orElseThrow();
    assertThat(resolution.match())
        .as(
            "%s: a stage or pattern of the resource serves %s (not the defaultStage fallback,"
                + " which would deploy with another stage's role)",
            file, stage(file))
        .isNotEqualTo(Resolution.Match.DEFAULT);
    String region = env(deploy(pod(file))).get("AWS_REGION");
    if (region != null) {
      assertThat(region)
          .as("%s: AWS_REGION of the deploy container is the stage's region", file)
          .isEqualTo(StageSettings.region(spec, resolution.stage()));
    }
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void thePodRunsAsTheServiceAccountTheStageRolesTrustWithAWebIdentityForTheSidecarOnly(
      String file) {
    Job job = job(file);
    PodSpec pod = pod(file);
    DeploymentCredential definition = definition(file);
    String namespace = job.getMetadata().getNamespace();
    assertThat(definition.getSpec().getIdentity()).as("spec.identity of the resource").isNotNull();
    assertThat(pod.getServiceAccountName())
        .as("%s: the stage roles trust system:serviceaccount:%s:<spec.identity>", file, namespace)
        .isEqualTo(definition.getSpec().getIdentity().getServiceAccountName());
    assertThat(objects(DEFINITIONS, ServiceAccount.class))
        .as("%s: the service account exists in %s", file, DEFINITIONS)
        .anyMatch(
            sa ->
                sa.getMetadata().getName().equals(pod.getServiceAccountName())
                    && namespace.equals(sa.getMetadata().getNamespace()));

    Container sidecar = sidecar(pod);
    Path tokenFile = Path.of(env(sidecar).getOrDefault("AWS_WEB_IDENTITY_TOKEN_FILE", ""));
    VolumeMount mount =
        mountAt(sidecar, String.valueOf(tokenFile.getParent()))
            .orElseThrow(
                () -> new AssertionError(file + ": nothing mounted for the token " + tokenFile));
    ServiceAccountTokenProjection token =
        tokenProjection(volume(pod, mount.getName()))
            .orElseThrow(() -> new AssertionError(file + ": no projected token at " + tokenFile));
    assertThat(token.getPath()).isEqualTo(String.valueOf(tokenFile.getFileName()));
    String audience = definition.getSpec().getIdentity().getAudience();
    assertThat(token.getAudience())
        .as("%s: the token's audience is the one the IAM OIDC provider expects", file)
        .isEqualTo(audience != null ? audience : DEFAULT_AUDIENCE);

    Container deploy = deploy(pod);
    assertThat(mountOf(deploy, mount.getName()))
        .as("%s: the deploy container gets no web identity (the SDKs would prefer it)", file)
        .isEmpty();
    assertThat(job.getSpec().getTemplate().getMetadata().getAnnotations())
        .as("%s: should IRSA be enabled, it leaves the deploy container alone", file)
        .containsEntry("eks.amazonaws.com/skip-containers", DEPLOY);
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void theSidecarHasAnApiTokenToReadTheResource(String file) {
    PodSpec pod = pod(file);
    Container sidecar = sidecar(pod);
    assertThat(env(sidecar)).containsKey("STAGECRED_DEPLOYMENT_CREDENTIAL");
    if (Boolean.TRUE.equals(pod.getAutomountServiceAccountToken())) {
      return;
    }
    VolumeMount mount =
        mountAt(sidecar, API_TOKEN_DIR)
            .orElseThrow(
                () ->
                    new AssertionError(
                        file + ": no automounted token and nothing at " + API_TOKEN_DIR));
    Volume volume = volume(pod, mount.getName());
    assertThat(tokenProjection(volume).map(ServiceAccountTokenProjection::getPath))
        .as("%s: an API token (no audience: the API server's)", file)
        .contains("token");
    assertThat(tokenProjection(volume).map(ServiceAccountTokenProjection::getAudience)).isEmpty();
    List<VolumeProjection> sources = volume.getProjected().getSources();
    assertThat(sources)
        .as("%s: the cluster's CA certificate", file)
        .anyMatch(
            s -> s.getConfigMap() != null && "kube-root-ca.crt".equals(s.getConfigMap().getName()));
    assertThat(sources)
        .as("%s: the pod's namespace, where the resource is looked up", file)
        .anyMatch(
            s ->
                s.getDownwardAPI() != null
                    && s.getDownwardAPI().getItems().stream()
                        .anyMatch(
                            i ->
                                "namespace".equals(i.getPath())
                                    && "metadata.namespace"
                                        .equals(i.getFieldRef().getFieldPath())));
    assertThat(mountAt(deploy(pod), API_TOKEN_DIR))
        .as("%s: the deploy container needs no Kubernetes API token", file)
        .isEmpty();
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void theRoleGrantsOnlyGetOnThatOneResourceToTheJobsServiceAccount(String file) {
    Job job = job(file);
    String namespace = job.getMetadata().getNamespace();
    String resource = env(sidecar(pod(file))).get("STAGECRED_DEPLOYMENT_CREDENTIAL");
    List<Role> roles =
        objects(RBAC, Role.class).stream()
            .filter(r -> namespace.equals(r.getMetadata().getNamespace()))
            .filter(
                r ->
                    r.getRules().stream()
                        .anyMatch(rule -> rule.getResourceNames().contains(resource)))
            .toList();
    assertThat(roles).as("%s: a Role in %s names %s", file, namespace, resource).hasSize(1);
    Role role = roles.get(0);
    assertThat(role.getRules()).hasSize(1);
    PolicyRule rule = role.getRules().get(0);
    assertThat(rule.getApiGroups()).containsExactly("stagecred.io");
    assertThat(rule.getResources()).containsExactly("deploymentcredentials");
    assertThat(rule.getResourceNames()).as("exactly that resource").containsExactly(resource);
    assertThat(rule.getVerbs()).as("the sidecar only reads it by name").containsExactly("get");

    String serviceAccount = pod(file).getServiceAccountName();
    assertThat(objects(RBAC, RoleBinding.class))
        .as(
            "%s: a RoleBinding in %s binds %s to %s",
            file, namespace, role.getMetadata().getName(), serviceAccount)
        .anyMatch(
            binding ->
                namespace.equals(binding.getMetadata().getNamespace())
                    && "Role".equals(binding.getRoleRef().getKind())
                    && "rbac.authorization.k8s.io".equals(binding.getRoleRef().getApiGroup())
                    && role.getMetadata().getName().equals(binding.getRoleRef().getName())
                    && binding.getSubjects().stream()
                        .anyMatch(s -> isServiceAccount(s, serviceAccount, namespace)));
  }

  // ---- the init-container variant --------------------------------------------------------------

  @Test
  void theInitVariantWritesOnceAndIsNoSidecar() {
    PodSpec pod = pod(INIT_JOB);
    Container init = sidecar(pod);
    assertThat(env(init)).as("write once, exit 0").containsEntry("STAGECRED_ONCE", "true");
    assertThat(init.getRestartPolicy()).as("a plain init container runs to completion").isNull();
    assertThat(init.getStartupProbe())
        .as("Kubernetes rejects probes on plain init containers")
        .isNull();
    assertThat(init.getReadinessProbe()).isNull();
    assertThat(init.getLivenessProbe()).isNull();
    assertThat(env(init)).doesNotContainKey("STAGECRED_ENDPOINT_PORT");
  }

  @Test
  void theInitVariantsDeployContainerReadsTheFilesOfTheStagesProfile() {
    PodSpec pod = pod(INIT_JOB);
    String dir =
        mountOf(deploy(pod), mountAt(sidecar(pod), outputDir(sidecar(pod))).orElseThrow().getName())
            .orElseThrow()
            .getMountPath();
    Map<String, String> env = env(deploy(pod));
    assertThat(env)
        .as("the files path: there is no endpoint to ask")
        .containsEntry("AWS_SHARED_CREDENTIALS_FILE", dir + "/credentials")
        .containsEntry("AWS_CONFIG_FILE", dir + "/config")
        .containsEntry("AWS_PROFILE", stage(INIT_JOB))
        .doesNotContainKeys(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  }

  // ---- both jobs, and the examples as a whole --------------------------------------------------

  @ParameterizedTest
  @MethodSource("jobs")
  void theSidecarRunsLockedDownWithAWritableTmp(String file) {
    Container sidecar = sidecar(pod(file));
    assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(sidecar.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(sidecar.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sidecar.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    VolumeMount tmp =
        mountAt(sidecar, "/tmp")
            .orElseThrow(() -> new AssertionError(file + ": the JVM needs a writable /tmp"));
    assertThat(volume(pod(file), tmp.getName()).getEmptyDir()).isNotNull();
    assertThat(tmp.getReadOnly()).isNotEqualTo(Boolean.TRUE);
    assertThat(sidecar.getResources().getLimits()).containsKey("memory");
  }

  @ParameterizedTest
  @MethodSource("jobs")
  void theJobsConfigMapsAreDefinedOnceElsewhereInTheExamples(String file) {
    String namespace = job(file).getMetadata().getNamespace();
    List<String> referenced =
        pod(file).getVolumes().stream()
            .filter(v -> v.getConfigMap() != null)
            .map(v -> v.getConfigMap().getName())
            .toList();
    assertThat(referenced).isNotEmpty();
    List<String> defined =
        allExamples().stream()
            .filter(o -> "ConfigMap".equals(o.getKind()))
            .filter(o -> namespace.equals(o.getMetadata().getNamespace()))
            .map(o -> o.getMetadata().getName())
            .toList();
    assertThat(defined)
        .as("ConfigMaps defined in %s of deploy/examples", namespace)
        .containsAll(referenced);
  }

  @Test
  void noTwoExamplesDefineTheSameObject() {
    List<String> ids =
        allExamples().stream()
            .map(
                o ->
                    o.getKind()
                        + " "
                        + o.getMetadata().getNamespace()
                        + "/"
                        + o.getMetadata().getName())
            .toList();
    assertThat(ids)
        .as("the demo creates every example object; a second one of the same name fails")
        .doesNotHaveDuplicates();
  }

  @Test
  void theDemoAppliesEveryExampleToItsEmbeddedApi(@TempDir Path dir) throws IOException {
    Path token = Files.writeString(dir.resolve("token"), "unused");
    // An external STS (never called here) keeps the demo from starting its STS emulator. Its
    // embedded Kubernetes API stays up until the JVM exits, as in the demo.
    Map<String, String> props =
        DemoBootstrap.prepare(
            new String[] {"--resources", EXAMPLES.toString()},
            Map.of(
                "AWS_ENDPOINT_URL_STS",
                "http://127.0.0.1:9",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                token.toString()));
    String url = props.get("quarkus.kubernetes-client.api-server-url");
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl(url).build())
            .build()) {
      for (HasMetadata object : allExamples()) {
        assertThat(client.resource(object).get())
            .as("%s %s exists in the demo's API", object.getKind(), object.getMetadata().getName())
            .isNotNull();
      }
    }
  }

  @Test
  void everyKeyInTheSidecarExamplesIsAKubernetesField() throws Exception {
    for (String file : List.of(SIDECAR_JOB, INIT_JOB, RBAC)) {
      for (HasMetadata object : load(file)) {
        assertThat(unknownFields(object, object.getKind()))
            .as(
                "%s: keys that are no field of the Kubernetes API (typos are ignored silently)",
                file)
            .isEmpty();
      }
    }
  }

  @Test
  void theUnknownFieldCheckNoticesAMisspeltKey() throws Exception {
    String yaml =
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n"
            + "spec:\n  containers:\n    - name: c\n      restartpolicy: Always\n";
    HasMetadata pod =
        SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(UTF_8)), HasMetadata.class);
    assertThat(unknownFields(pod, "Pod"))
        .containsExactly("Pod.spec.containers[0]: [restartpolicy]");
  }

  // ---- the image -------------------------------------------------------------------------------

  @Test
  void theImageRunsTheEntrypointScriptAndExposesTheSidecarsHealthPort() throws IOException {
    List<String> lines = Files.readAllLines(DOCKERFILE);
    assertThat(lines)
        .as("the script becomes a root-owned, executable /deployments/stagecred")
        .anyMatch(
            l ->
                l.matches(
                    "COPY --chmod=0755 "
                        + Pattern.quote(ENTRYPOINT.toString())
                        + " /deployments/stagecred"));
    assertThat(lines).contains("ENTRYPOINT [\"/deployments/stagecred\"]", "CMD [\"operator\"]");
    assertThat(lines)
        .as("the jar the script runs")
        .anyMatch(l -> l.startsWith("COPY ") && l.endsWith(" " + JAR));
    assertThat(lines)
        .as("EXPOSE lists the probes' port %d", HEALTH_PORT)
        .anyMatch(
            l ->
                l.startsWith("EXPOSE ")
                    && List.of(l.split("\\s+")).contains(String.valueOf(HEALTH_PORT)));
    assertThat(Files.isExecutable(ENTRYPOINT)).as("executable in the working tree too").isTrue();
  }

  @Test
  void theEntrypointScriptIsValidPosixShell() throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    Process check =
        new ProcessBuilder("/bin/sh", "-n", ENTRYPOINT.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(check.getInputStream().readAllBytes(), UTF_8);
    assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as("sh -n: %s", out).isZero();
    assertThat(Files.readAllLines(ENTRYPOINT)).startsWith("#!/bin/sh").contains("set -eu");
  }

  @Test
  void theEntrypointStartsTheSidecarWithTheSmallJvm(@TempDir Path dir) throws Exception {
    assertThat(entrypoint(dir, null, "sidecar")).isEqualTo(java(SIDECAR_JVM, "sidecar"));
  }

  @Test
  void theEntrypointStartsOtherModesWithAHeapFromTheMemoryLimit(@TempDir Path dir)
      throws Exception {
    assertThat(entrypoint(dir, null)).as("no argument: operator").isEqualTo(java(OTHER_JVM));
    assertThat(entrypoint(dir, null, "operator"))
        .as("the image's CMD")
        .isEqualTo(java(OTHER_JVM, "operator"));
    assertThat(entrypoint(dir, null, "demo", "--resources", "a folder/with spaces"))
        .as("arguments are passed on unchanged")
        .isEqualTo(java(OTHER_JVM, "demo", "--resources", "a folder/with spaces"));
    assertThat(entrypoint(dir, null, "-h"))
        .as("a first argument starting with '-' is no mode")
        .isEqualTo(java(OTHER_JVM, "-h"));
  }

  @Test
  void javaOptsReplacesTheDefaultsVerbatim(@TempDir Path dir) throws Exception {
    // A file whose name the pattern in JAVA_OPTS would match if the script let the shell glob.
    Files.createDirectories(dir.resolve("cwd"));
    Files.writeString(dir.resolve("cwd").resolve("-Dglob=expanded"), "");
    assertThat(entrypoint(dir, "-Xmx96m  -Dglob=*", "sidecar"))
        .as("split at whitespace, not globbed")
        .isEqualTo(java(List.of("-Xmx96m", "-Dglob=*"), "sidecar"));
    assertThat(entrypoint(dir, "-XX:+UseG1GC", "operator"))
        .isEqualTo(java(List.of("-XX:+UseG1GC"), "operator"));
    assertThat(entrypoint(dir, "", "sidecar"))
        .as("set but empty: no options at all")
        .isEqualTo(java(List.of(), "sidecar"));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private static List<String> java(List<String> options, String... args) {
    List<String> expected = new ArrayList<>(options);
    expected.add("-jar");
    expected.add(JAR);
    expected.addAll(List.of(args));
    return expected;
  }

  /**
   * Runs the entrypoint script with a stub {@code java} first on PATH that prints its arguments,
   * and returns them. {@code javaOpts} null: JAVA_OPTS unset.
   */
  private static List<String> entrypoint(Path dir, String javaOpts, String... args)
      throws Exception {
    assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs /bin/sh");
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path stub = bin.resolve("java");
    if (!Files.exists(stub)) {
      Files.writeString(stub, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\0' \"$a\"; done\n");
      Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Path cwd = Files.createDirectories(dir.resolve("cwd"));
    List<String> command =
        new ArrayList<>(List.of("/bin/sh", ENTRYPOINT.toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    builder.environment().remove("JAVA_OPTS");
    builder.environment().put("PATH", bin + ":/usr/bin:/bin");
    if (javaOpts != null) {
      builder.environment().put("JAVA_OPTS", javaOpts);
    }
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("exit status of the entrypoint").isZero();
    if (out.isEmpty()) {
      return List.of();
    }
    assertThat(out).endsWith("\0");
    return List.of(out.substring(0, out.length() - 1).split("\0", -1));
  }

  private static List<HasMetadata> load(String file) {
    try (InputStream in = Files.newInputStream(EXAMPLES.resolve(file))) {
      Object parsed = SERIALIZATION.unmarshal(in);
      List<?> items = parsed instanceof List<?> list ? list : List.of(parsed);
      return items.stream().map(HasMetadata.class::cast).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<HasMetadata> allExamples() {
    try (Stream<Path> files = Files.list(EXAMPLES)) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") || f.endsWith(".yml"))
          .sorted()
          .flatMap(f -> load(f).stream())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static <T extends HasMetadata> List<T> objects(String file, Class<T> type) {
    return load(file).stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static Job job(String file) {
    List<Job> jobs = objects(file, Job.class);
    assertThat(jobs).as("%s holds one Job", file).hasSize(1);
    return jobs.get(0);
  }

  private static PodSpec pod(String file) {
    return job(file).getSpec().getTemplate().getSpec();
  }

  private static Container sidecar(PodSpec pod) {
    return named(pod.getInitContainers(), SIDECAR);
  }

  private static Container deploy(PodSpec pod) {
    return named(pod.getContainers(), DEPLOY);
  }

  private static Container named(List<Container> containers, String name) {
    return containers.stream()
        .filter(c -> name.equals(c.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container named " + name));
  }

  /** The literal env values of a container (valueFrom entries left out). */
  private static Map<String, String> env(Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    return env;
  }

  private static String stage(String file) {
    return env(sidecar(pod(file))).get("STAGECRED_STAGE");
  }

  private static String outputDir(Container sidecar) {
    return env(sidecar).getOrDefault("STAGECRED_OUTPUT_DIR", DEFAULT_OUTPUT_DIR);
  }

  /** The one {@code --stage X} of the deploy container's command and arguments. */
  private static String deployedStage(Container deploy) {
    String command =
        String.join(" ", deploy.getCommand()) + " " + String.join(" ", deploy.getArgs());
    Matcher m = Pattern.compile("--stage[= ]+([a-z0-9-]+)").matcher(command);
    List<String> stages = new ArrayList<>();
    while (m.find()) {
      stages.add(m.group(1));
    }
    assertThat(stages).as("one --stage in: %s", command).hasSize(1);
    return stages.get(0);
  }

  /** The DeploymentCredential the job's sidecar names, from deploymentcredential.yaml. */
  private static DeploymentCredential definition(String file) {
    String namespace = job(file).getMetadata().getNamespace();
    String name = env(sidecar(pod(file))).get("STAGECRED_DEPLOYMENT_CREDENTIAL");
    assertThat(name).as("%s: STAGECRED_DEPLOYMENT_CREDENTIAL", file).isNotBlank();
    return objects(DEFINITIONS, DeploymentCredential.class).stream()
        .filter(d -> name.equals(d.getMetadata().getName()))
        .filter(d -> namespace.equals(d.getMetadata().getNamespace()))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    file
                        + ": no DeploymentCredential "
                        + namespace
                        + "/"
                        + name
                        + " in "
                        + DEFINITIONS));
  }

  private static Optional<VolumeMount> mountAt(Container container, String path) {
    return container.getVolumeMounts().stream()
        .filter(m -> Path.of(m.getMountPath()).equals(Path.of(path)))
        .findFirst();
  }

  private static Optional<VolumeMount> mountOf(Container container, String volume) {
    return container.getVolumeMounts().stream().filter(m -> volume.equals(m.getName())).findFirst();
  }

  private static Volume volume(PodSpec pod, String name) {
    return pod.getVolumes().stream()
        .filter(v -> name.equals(v.getName()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no volume named " + name));
  }

  private static Optional<ServiceAccountTokenProjection> tokenProjection(Volume volume) {
    if (volume.getProjected() == null) {
      return Optional.empty();
    }
    return volume.getProjected().getSources().stream()
        .map(VolumeProjection::getServiceAccountToken)
        .filter(Objects::nonNull)
        .findFirst();
  }

  private static boolean inside(String file, String dir) {
    Path f = Path.of(file).normalize();
    return f.startsWith(Path.of(dir)) && !f.equals(Path.of(dir));
  }

  private static boolean isServiceAccount(Subject s, String name, String namespace) {
    return "ServiceAccount".equals(s.getKind())
        && name.equals(s.getName())
        && namespace.equals(s.getNamespace());
  }

  private static void assertHttpProbe(Container c, Probe probe, String path, String what) {
    assertThat(probe).as(what).isNotNull();
    HTTPGetAction get = probe.getHttpGet();
    assertThat(get).as("%s is an HTTP GET", what).isNotNull();
    assertThat(get.getPath()).as("%s: path", what).isEqualTo(path);
    int port =
        get.getPort().getIntVal() != null
            ? get.getPort().getIntVal()
            : c.getPorts().stream()
                .filter(p -> get.getPort().getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(
                    () -> new AssertionError(what + ": no port " + get.getPort().getStrVal()));
    assertThat(port).as("%s: port (the sidecar's health port)", what).isEqualTo(HEALTH_PORT);
  }

  /**
   * Where the object holds keys that the Kubernetes model does not know: Fabric8 keeps them as
   * additional properties instead of failing, and so do lenient API clients.
   */
  private static List<String> unknownFields(Object object, String path) throws Exception {
    List<String> unknown = new ArrayList<>();
    collectUnknown(object, path, unknown);
    return unknown;
  }

  private static void collectUnknown(Object value, String path, List<String> unknown)
      throws Exception {
    if (value == null) {
      return;
    }
    if (value instanceof Collection<?> items) {
      int i = 0;
      for (Object item : items) {
        collectUnknown(item, path + "[" + i++ + "]", unknown);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        collectUnknown(e.getValue(), path + "." + e.getKey(), unknown);
      }
      return;
    }
    if (!value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      String name = getter.getName();
      if (Modifier.isStatic(getter.getModifiers())
          || getter.getParameterCount() != 0
          || !name.startsWith("get")
          || name.equals("getClass")) {
        continue;
      }
      Object child = getter.invoke(value);
      if (name.equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          unknown.add(path + ": " + extra.keySet());
        }
      } else {
        String field = Character.toLowerCase(name.charAt(3)) + name.substring(4);
        collectUnknown(child, path + "." + field, unknown);
      }
    }
  }
}
