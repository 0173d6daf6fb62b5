package io.stagecred.inject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.InstanceOfAssertFactories.STRING;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.StageSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook's decision for one pod, table-driven: every annotation that denies names itself and
 * the fix; an injected pod gets what the injection contract lists, keeps what it had, and is left
 * alone when asked again. The patch is checked by applying it to the pod it was computed for.
 */
class AdmissionTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String NS = "ci";
  private static final String IMAGE = "ghcr.io/stagecred/stagecred:test";
  private static final Admission.Settings SETTINGS =
      new Admission.Settings(
          new SidecarTemplate(IMAGE, "IfNotPresent"), "sts.amazonaws.com", false);

  private static final String DEV = "arn:aws:iam::111111111111:role/deploy-dev";
  private static final String PROD = "arn:aws:iam::222222222222:role/deploy-prod";
  private static final String PREVIEW = "arn:aws:iam::111111111111:role/deploy-preview";

  // ---- fixtures
  // ----------------------------------------------------------------------------------

  private static StageSpec stage(String name, String role) {
    StageSpec s = new StageSpec();
    s.setName(name);
    s.setRoleArn(role);
    return s;
  }

  /** Like deploy/examples: dev, prod (eu-west-1) and pr-*; no defaultStage. */
  private static DeploymentCredential orders() {
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    spec.setRegion("us-east-1");
    StageSpec prod = stage("prod", PROD);
    prod.setRegion("eu-west-1");
    spec.setStages(new ArrayList<>(List.of(stage("dev", DEV), prod, stage("pr-*", PREVIEW))));
    DeploymentCredential dc = new DeploymentCredential();
    dc.getMetadata().setName("orders");
    dc.getMetadata().setNamespace(NS);
    dc.setSpec(spec);
    return dc;
  }

  private static Map<String, DeploymentCredential> resources(DeploymentCredential... dcs) {
    Map<String, DeploymentCredential> map = new LinkedHashMap<>();
    for (DeploymentCredential dc : dcs) {
      map.put(dc.getMetadata().getName(), dc);
    }
    return map;
  }

  private static Container container(String name, EnvVar... env) {
    return new ContainerBuilder().withName(name).withImage("node:20-slim").withEnv(env).build();
  }

  /** A pod with {@code annotations} and one container "deploy". */
  private static Pod pod(Map<String, String> annotations) {
    return pod(annotations, b -> b);
  }

  private static Pod pod(Map<String, String> annotations, UnaryOperator<PodBuilder> more) {
    PodBuilder builder =
        new PodBuilder()
            .withNewMetadata()
            .withGenerateName("orders-deploy-")
            .withNamespace(NS)
            .withLabels(Map.of(InjectAnnotations.LABEL, "true"))
            .withAnnotations(annotations)
            .endMetadata()
            .withNewSpec()
            .withRestartPolicy("Never")
            .withContainers(container("deploy"))
            .endSpec();
    return more.apply(builder).build();
  }

  private static Map<String, String> asks(String... keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      map.put(keyValues[i], keyValues[i + 1]);
    }
    return map;
  }

  private static Map<String, String> ordersStage(String stage, String... more) {
    Map<String, String> map =
        asks(InjectAnnotations.STAGE, stage, InjectAnnotations.DEPLOYMENT_CREDENTIAL, "orders");
    map.putAll(asks(more));
    return map;
  }

  private static Admission.Outcome decide(Pod pod, Map<String, DeploymentCredential> resources) {
    return Admission.decide(pod, NS, name -> Optional.ofNullable(resources.get(name)), SETTINGS);
  }

  private static Admission.Outcome decide(Pod pod) {
    return decide(pod, resources(orders()));
  }

  /** The pod the API server stores: {@code pod} with the outcome's patch applied. */
  private static Pod patched(Pod pod, Admission.Outcome outcome) {
    ObjectNode tree = JSON.convertValue(pod, ObjectNode.class);
    for (Map<String, Object> op : outcome.patch()) {
      assertThat(op.get("op")).isEqualTo("add");
      String[] path = op.get("path").toString().substring(1).split("/");
      ObjectNode parent = (ObjectNode) tree.at("/" + path[0]);
      parent.set(path[1], JSON.convertValue(op.get("value"), JsonNode.class));
    }
    return JSON.convertValue(tree, Pod.class);
  }

  private static Pod injected(Pod pod) {
    Admission.Outcome outcome = decide(pod);
    assertThat(outcome.result()).as(outcome.message()).isEqualTo(Admission.Result.INJECTED);
    return patched(pod, outcome);
  }

  private static Container sidecar(Pod pod) {
    return pod.getSpec().getInitContainers().get(0);
  }

  private static Container named(Pod pod, String name) {
    return pod.getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  private static Map<String, String> env(Container c) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : Optional.ofNullable(c.getEnv()).orElse(List.of())) {
      assertThat(env.put(e.getName(), e.getValue())).as("%s set twice", e.getName()).isNull();
    }
    return env;
  }

  private static Map<String, String> mounts(Container c) {
    Map<String, String> mounts = new LinkedHashMap<>();
    for (VolumeMount m : Optional.ofNullable(c.getVolumeMounts()).orElse(List.of())) {
      mounts.put(
          m.getName(), m.getMountPath() + (Boolean.TRUE.equals(m.getReadOnly()) ? " ro" : ""));
    }
    return mounts;
  }

  private static List<String> volumes(Pod pod) {
    return pod.getSpec().getVolumes().stream().map(Volume::getName).toList();
  }

  // ---- denials
  // -----------------------------------------------------------------------------------

  static Stream<Arguments> denials() {
    DeploymentCredential noDefault = orders();
    DeploymentCredential brokenEntry = orders();
    brokenEntry.getSpec().getStages().get(0).setRoleArn("deploy-dev");
    return Stream.of(
            Arguments.of(
                "no stage",
                pod(asks(InjectAnnotations.DEPLOYMENT_CREDENTIAL, "orders")),
                "annotation stagecred.io/stage is required"),
            Arguments.of(
                "stage not a name",
                pod(ordersStage("PR_42")),
                "annotation stagecred.io/stage is 'PR_42': a stage is lowercase letters"),
            Arguments.of(
                "stage is a pattern", pod(ordersStage("pr-*")), "no '*'; patterns belong in"),
            Arguments.of(
                "resource and role both",
                pod(ordersStage("dev", InjectAnnotations.ROLE_ARN, DEV)),
                "annotations stagecred.io/deployment-credential and stagecred.io/role-arn contradict"),
            Arguments.of(
                "neither resource nor role",
                pod(asks(InjectAnnotations.STAGE, "dev")),
                "annotation stagecred.io/deployment-credential (a DeploymentCredential in the pod's"
                    + " namespace) or stagecred.io/role-arn (the stage's role) is required"),
            Arguments.of(
                "resource missing",
                pod(
                    asks(
                        InjectAnnotations.STAGE,
                        "dev",
                        InjectAnnotations.DEPLOYMENT_CREDENTIAL,
                        "payments")),
                "names DeploymentCredential ci/payments, which does not exist: create it"),
            Arguments.of(
                "stage resolves to nothing",
                pod(ordersStage("qa")),
                "annotation stagecred.io/stage (qa): DeploymentCredential ci/orders:"),
            Arguments.of(
                "unknown mode",
                pod(ordersStage("dev", InjectAnnotations.MODE, "sidecar")),
                "annotation stagecred.io/mode is 'sidecar': use one of endpoint, files, both"),
            Arguments.of(
                "containers names a stranger",
                pod(ordersStage("dev", InjectAnnotations.CONTAINERS, "deploy,tests")),
                "annotation stagecred.io/containers names 'tests', which is not a container of this"
                    + " pod (containers: deploy)"),
            Arguments.of(
                "containers names the sidecar",
                pod(ordersStage("dev", InjectAnnotations.CONTAINERS, "stagecred")),
                "names 'stagecred', the sidecar itself"),
            Arguments.of(
                "containers has an empty entry",
                pod(ordersStage("dev", InjectAnnotations.CONTAINERS, "deploy,")),
                "annotation stagecred.io/containers has an empty entry"),
            Arguments.of(
                "a container is called stagecred",
                pod(
                    ordersStage("dev"),
                    b -> b.editSpec().addToContainers(container("stagecred")).endSpec()),
                "container name 'stagecred' is reserved for the injected sidecar"),
            Arguments.of(
                "a volume is called stagecred",
                pod(
                    ordersStage("dev"),
                    b ->
                        b.editSpec()
                            .addNewVolume()
                            .withName("stagecred")
                            .withNewEmptyDir()
                            .endEmptyDir()
                            .endVolume()
                            .endSpec()),
                "volume 'stagecred' is reserved for the injected sidecar: rename the pod's volume"),
            Arguments.of(
                "the mount path is taken",
                pod(
                    ordersStage("dev"),
                    b ->
                        b.editSpec()
                            .editFirstContainer()
                            .addNewVolumeMount()
                            .withName("mine")
                            .withMountPath("/var/run/stagecred")
                            .endVolumeMount()
                            .endContainer()
                            .endSpec()),
                "container 'deploy' already mounts volume 'mine' at /var/run/stagecred"),
            Arguments.of(
                "injected annotation set by hand",
                pod(ordersStage("dev", InjectAnnotations.INJECTED, "yes")),
                "annotation stagecred.io/injected is written by the webhook"),
            Arguments.of(
                "role without region",
                pod(asks(InjectAnnotations.STAGE, "dev", InjectAnnotations.ROLE_ARN, DEV)),
                "annotation stagecred.io/region is required with stagecred.io/role-arn"),
            Arguments.of(
                "role with an unknown region",
                pod(
                    asks(
                        InjectAnnotations.STAGE,
                        "dev",
                        InjectAnnotations.ROLE_ARN,
                        DEV,
                        InjectAnnotations.REGION,
                        "xx-fake-9")),
                "region 'xx-fake-9' (annotation stagecred.io/region or the containers' AWS_REGION) is"
                    + " not an AWS region"),
            Arguments.of(
                "role not an ARN",
                pod(asks(InjectAnnotations.STAGE, "dev", InjectAnnotations.ROLE_ARN, "deploy-dev")),
                "annotation stagecred.io/role-arn is not an IAM role ARN"),
            Arguments.of(
                "region beside a resource",
                pod(ordersStage("dev", InjectAnnotations.REGION, "us-east-1")),
                "annotation stagecred.io/region applies to stagecred.io/role-arn only"),
            Arguments.of(
                "the stage's entry is broken",
                pod(ordersStage("dev")),
                "entry 'dev', which stage dev resolves to, is invalid"),
            Arguments.of(
                "no containers at all",
                pod(ordersStage("dev"), b -> b.editSpec().withContainers(List.of()).endSpec()),
                "the pod has no container to give credentials to"))
        .map(
            a -> {
              Object[] args = a.get();
              Map<String, DeploymentCredential> available =
                  args[0].equals("stage resolves to nothing")
                      ? resources(noDefault)
                      : args[0].equals("the stage's entry is broken")
                          ? resources(brokenEntry)
                          : resources(orders());
              return Arguments.of(args[0], args[1], available, args[2]);
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("denials")
  void deniesNamingTheAnnotationAndTheFix(
      String why, Pod pod, Map<String, DeploymentCredential> available, String message) {
    Admission.Outcome outcome = decide(pod, available);
    assertThat(outcome.result()).isEqualTo(Admission.Result.DENIED);
    assertThat(outcome.allowed()).isFalse();
    assertThat(outcome.message()).contains(message);
    assertThat(outcome.patch()).isEmpty();
  }

  // ---- what is injected
  // --------------------------------------------------------------------------

  @Test
  void theDefaultModeGivesANativeSidecarTheEndpointAndTheConfigFile() {
    Pod pod = injected(pod(ordersStage("pr-42")));

    Container sidecar = sidecar(pod);
    assertThat(sidecar.getName()).isEqualTo("stagecred");
    assertThat(sidecar.getRestartPolicy()).isEqualTo("Always");
    assertThat(sidecar.getImage()).isEqualTo(IMAGE);
    assertThat(sidecar.getArgs()).containsExactly("sidecar");
    assertThat(sidecar.getStartupProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(sidecar.getStartupProbe().getHttpGet().getPort().getIntVal()).isEqualTo(8099);
    assertThat(sidecar.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(sidecar.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(sidecar.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(sidecar.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(sidecar.getResources().getLimits()).containsKey("memory");
    assertThat(env(sidecar))
        .containsExactly(
            Map.entry("STAGECRED_STAGE", "pr-42"),
            Map.entry("STAGECRED_DEPLOYMENT_CREDENTIAL", "orders"),
            Map.entry("STAGECRED_NAMESPACE", NS),
            Map.entry("STAGECRED_OUTPUT_DIR", "/var/run/stagecred"),
            Map.entry("STAGECRED_ENDPOINT_PORT", "9911"),
            Map.entry(
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "/var/run/secrets/stagecred.io/serviceaccount/token"),
            Map.entry("AWS_REGION", "us-east-1"));
    assertThat(mounts(sidecar))
        .containsExactly(
            Map.entry("stagecred", "/var/run/stagecred"),
            Map.entry("stagecred-token", "/var/run/secrets/stagecred.io/serviceaccount ro"),
            Map.entry("stagecred-kube-api", "/var/run/secrets/kubernetes.io/serviceaccount ro"),
            Map.entry("stagecred-tmp", "/tmp"));

    Container deploy = named(pod, "deploy");
    assertThat(env(deploy))
        .containsExactly(
            Map.entry("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9911/credentials"),
            Map.entry(
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/var/run/stagecred/endpoint-token"),
            Map.entry("AWS_CONFIG_FILE", "/var/run/stagecred/config"),
            Map.entry("AWS_SDK_LOAD_CONFIG", "1"),
            Map.entry("AWS_REGION", "us-east-1"),
            Map.entry("AWS_DEFAULT_REGION", "us-east-1"));
    assertThat(mounts(deploy)).containsExactly(Map.entry("stagecred", "/var/run/stagecred ro"));

    assertThat(volumes(pod))
        .containsExactly("stagecred", "stagecred-tmp", "stagecred-token", "stagecred-kube-api");
    Volume shared = pod.getSpec().getVolumes().get(0);
    assertThat(shared.getEmptyDir().getMedium()).isEqualTo("Memory");
    Volume token = pod.getSpec().getVolumes().get(2);
    assertThat(token.getProjected().getSources().get(0).getServiceAccountToken().getAudience())
        .isEqualTo("sts.amazonaws.com");

    Map<String, String> annotations = pod.getMetadata().getAnnotations();
    assertThat(annotations.get(InjectAnnotations.INJECTED))
        .contains("stage pr-42", "entry 'pr-*' (pattern)", "mode both", "containers deploy");
    assertThat(annotations).containsEntry("eks.amazonaws.com/skip-containers", "deploy");
  }

  @Test
  void theStagesOwnRegionAndTheResourcesAudienceAndMountPathAreUsed() {
    DeploymentCredential dc = orders();
    IdentitySpec identity = new IdentitySpec();
    identity.setServiceAccountName("orders-deployer");
    identity.setAudience("sts.example.com");
    dc.getSpec().setIdentity(identity);
    dc.getSpec().setMountPath("/creds");
    Admission.Outcome outcome = decide(pod(ordersStage("prod")), resources(dc));
    assertThat(outcome.result()).as(outcome.message()).isEqualTo(Admission.Result.INJECTED);
    Pod pod = patched(pod(ordersStage("prod")), outcome);

    assertThat(env(sidecar(pod)))
        .containsEntry("AWS_REGION", "eu-west-1")
        .containsEntry("STAGECRED_OUTPUT_DIR", "/creds");
    assertThat(env(named(pod, "deploy")))
        .containsEntry("AWS_REGION", "eu-west-1")
        .containsEntry("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/creds/endpoint-token");
    assertThat(mounts(named(pod, "deploy"))).containsEntry("stagecred", "/creds ro");
    assertThat(
            pod.getSpec()
                .getVolumes()
                .get(2)
                .getProjected()
                .getSources()
                .get(0)
                .getServiceAccountToken()
                .getAudience())
        .isEqualTo("sts.example.com");
  }

  @Test
  void filesModeGivesTheProfileAndNoEndpoint() {
    Pod pod = injected(pod(ordersStage("dev", InjectAnnotations.MODE, "files")));
    assertThat(env(named(pod, "deploy")))
        .containsExactly(
            Map.entry("AWS_SHARED_CREDENTIALS_FILE", "/var/run/stagecred/credentials"),
            Map.entry("AWS_CONFIG_FILE", "/var/run/stagecred/config"),
            Map.entry("AWS_SDK_LOAD_CONFIG", "1"),
            Map.entry("AWS_PROFILE", "dev"),
            Map.entry("AWS_REGION", "us-east-1"),
            Map.entry("AWS_DEFAULT_REGION", "us-east-1"));
    assertThat(env(sidecar(pod))).doesNotContainKey("STAGECRED_ENDPOINT_PORT");
    assertThat(pod.getMetadata().getAnnotations())
        .doesNotContainKey("eks.amazonaws.com/skip-containers");
  }

  @Test
  void endpointModeGivesOnlyTheEndpointAndRegion() {
    Pod pod = injected(pod(ordersStage("dev", InjectAnnotations.MODE, "endpoint")));
    assertThat(env(named(pod, "deploy")).keySet())
        .containsExactly(
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION");
  }

  @Test
  void aContainersOwnVariablesVolumesAndAnnotationsAreKept() {
    Pod original =
        pod(
            ordersStage("dev", "eks.amazonaws.com/skip-containers", "tests", "team", "orders"),
            b ->
                b.editSpec()
                    .withContainers(
                        container(
                            "deploy",
                            new EnvVar("AWS_REGION", "us-west-2", null),
                            new EnvVar("HOME", "/workspace", null)))
                    .addNewVolume()
                    .withName("workspace")
                    .withNewEmptyDir()
                    .endEmptyDir()
                    .endVolume()
                    .endSpec());
    Pod pod = injected(original);
    Map<String, String> env = env(named(pod, "deploy"));
    assertThat(env).containsEntry("AWS_REGION", "us-west-2").containsEntry("HOME", "/workspace");
    assertThat(env).containsEntry("AWS_DEFAULT_REGION", "us-east-1");
    assertThat(volumes(pod)).startsWith("workspace");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("team", "orders")
        .containsEntry("eks.amazonaws.com/skip-containers", "tests,deploy");
    assertThat(pod.getMetadata().getLabels()).containsEntry(InjectAnnotations.LABEL, "true");
  }

  @Test
  void onlyTheListedContainersGetTheCredentials() {
    Pod original =
        pod(
            ordersStage("dev", InjectAnnotations.CONTAINERS, " deploy "),
            b ->
                b.editSpec()
                    .withContainers(container("tests"), container("deploy"), container("proxy"))
                    .endSpec());
    Pod pod = injected(original);
    assertThat(env(named(pod, "deploy"))).containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    assertThat(named(pod, "tests")).isEqualTo(named(original, "tests"));
    assertThat(named(pod, "proxy")).isEqualTo(named(original, "proxy"));
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("eks.amazonaws.com/skip-containers", "deploy");
  }

  @Test
  void everyContainerGetsTheCredentialsByDefaultAndInitContainersStayAfterTheSidecar() {
    Pod original =
        pod(
            ordersStage("dev"),
            b ->
                b.editSpec()
                    .withContainers(container("deploy"), container("smoke"))
                    .withInitContainers(container("checkout"))
                    .endSpec());
    Pod pod = injected(original);
    assertThat(pod.getSpec().getInitContainers())
        .extracting(Container::getName)
        .containsExactly("stagecred", "checkout");
    assertThat(env(named(pod, "smoke"))).containsKey("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("eks.amazonaws.com/skip-containers", "deploy,smoke");
  }

  @Test
  void anInjectedPodIsLeftAsItIsWhenAskedAgain() {
    Pod pod = injected(pod(ordersStage("dev")));
    Admission.Outcome again = decide(pod);
    assertThat(again.result()).isEqualTo(Admission.Result.UNCHANGED);
    assertThat(again.allowed()).isTrue();
    assertThat(again.patch()).isEmpty();
  }

  @Test
  void aRoleArnNeedsNoApiAccessAndTakesTheContainersRegion() {
    Pod original =
        pod(
            asks(InjectAnnotations.STAGE, "dev", InjectAnnotations.ROLE_ARN, DEV),
            b ->
                b.editSpec()
                    .withContainers(
                        container("deploy", new EnvVar("AWS_REGION", "eu-central-1", null)))
                    .endSpec());
    Pod pod = injected(original);
    Map<String, String> env = env(sidecar(pod));
    assertThat(env)
        .containsEntry("STAGECRED_ROLE_ARN", DEV)
        .containsEntry("AWS_REGION", "eu-central-1")
        .doesNotContainKeys("STAGECRED_DEPLOYMENT_CREDENTIAL", "STAGECRED_NAMESPACE");
    assertThat(volumes(pod)).doesNotContain("stagecred-kube-api");
    assertThat(mounts(sidecar(pod))).doesNotContainKey("stagecred-kube-api");
  }

  @Test
  void variablesThatWouldHideTheEndpointAreWarnedAbout() {
    Pod original =
        pod(
            ordersStage("dev"),
            b ->
                b.editSpec()
                    .withContainers(container("deploy", new EnvVar("AWS_PROFILE", "ci", null)))
                    .endSpec());
    Admission.Outcome outcome = decide(original);
    assertThat(outcome.result()).isEqualTo(Admission.Result.INJECTED);
    assertThat(outcome.warnings())
        .singleElement(STRING)
        .contains("container 'deploy' sets AWS_PROFILE")
        .contains("remove it");
  }

  @Test
  void aPodRunningAsAnotherAccountThanTheStageNamesIsWarnedAbout() {
    DeploymentCredential dc = orders();
    IdentitySpec identity = new IdentitySpec();
    identity.setServiceAccountName("orders-deployer");
    dc.getSpec().setIdentity(identity);
    dc.getSpec().getStages().get(1).setServiceAccountName("orders-prod-deployer");
    UnaryOperator<PodBuilder> asDeployer =
        b -> b.editSpec().withServiceAccountName("orders-deployer").endSpec();

    Admission.Outcome prod = decide(pod(ordersStage("prod"), asDeployer), resources(dc));
    assertThat(prod.result()).isEqualTo(Admission.Result.INJECTED);
    assertThat(prod.warnings())
        .singleElement(STRING)
        .contains("stage prod is meant for service account orders-prod-deployer")
        .contains("this pod runs as orders-deployer")
        .contains("system:serviceaccount:ci:orders-deployer");

    assertThat(decide(pod(ordersStage("dev"), asDeployer), resources(dc)).warnings()).isEmpty();
    assertThat(decide(pod(ordersStage("dev")), resources(dc)).warnings())
        .singleElement(STRING)
        .contains("this pod runs as default");
  }

  @Test
  void theSidecarSharesTheDeployUsersGroupUnlessThePodHasAnFsGroup() {
    Pod withGroup =
        pod(
            ordersStage("dev"),
            b ->
                b.editSpec()
                    .withNewSecurityContext()
                    .withRunAsUser(1000L)
                    .withRunAsGroup(1000L)
                    .endSecurityContext()
                    .endSpec());
    assertThat(sidecar(injected(withGroup)).getSecurityContext().getRunAsGroup()).isEqualTo(1000L);

    Pod withFsGroup =
        pod(
            ordersStage("dev"),
            b ->
                b.editSpec()
                    .withNewSecurityContext()
                    .withRunAsUser(1000L)
                    .withFsGroup(2000L)
                    .endSecurityContext()
                    .endSpec());
    assertThat(sidecar(injected(withFsGroup)).getSecurityContext().getRunAsGroup()).isEqualTo(185L);

    Pod userOnly =
        pod(
            ordersStage("dev"),
            b ->
                b.editSpec()
                    .withNewSecurityContext()
                    .withRunAsUser(1000L)
                    .endSecurityContext()
                    .endSpec());
    assertThat(decide(userOnly).warnings())
        .anySatisfy(w -> assertThat(w).contains("set the pod's securityContext.fsGroup"));
  }
}
