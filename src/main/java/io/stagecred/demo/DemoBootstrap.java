package io.stagecred.demo;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Prepares demo mode before Quarkus reads its configuration: starts the embedded Kubernetes API and
 * (unless AWS_ENDPOINT_URL_STS points elsewhere) the STS emulator, applies the CRD and the example
 * resources, and publishes the settings that point the operator at them as system properties.
 */
public final class DemoBootstrap {

  static final String OPERATOR_SUBJECT =
      "system:serviceaccount:stagecred-system:stagecred-operator";
  static final String SIDECAR_SUBJECT = "system:serviceaccount:ci:orders-deployer";
  private static final String CRD = CrdFacts.RESOURCE;

  private DemoBootstrap() {}

  /** Parsed demo arguments. */
  record Options(Path resources, Path outputDir, long lifetimeDivisor) {
    static Options parse(String[] args) {
      Path resources = Path.of("deploy", "examples");
      Path outputDir = null;
      long divisor = 60;
      for (int i = 0; i < args.length; i++) {
        String value = i + 1 < args.length ? args[i + 1] : null;
        switch (args[i]) {
          case "--resources" -> resources = Path.of(required(args[i], value));
          case "--output-dir" -> outputDir = Path.of(required(args[i], value));
          case "--lifetime-divisor" -> divisor = Long.parseLong(required(args[i], value));
          default ->
              throw new IllegalArgumentException(
                  "unknown demo option '"
                      + args[i]
                      + "'; expected --resources FILE_OR_DIR,"
                      + " --output-dir DIR, --lifetime-divisor N");
        }
        i++;
      }
      if (divisor < 1) {
        throw new IllegalArgumentException("--lifetime-divisor must be at least 1");
      }
      return new Options(resources, outputDir, divisor);
    }

    private static String required(String option, String value) {
      if (value == null) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return value;
    }
  }

  /**
   * Starts the embedded world and returns the system properties that point the operator at it. The
   * started servers live until the JVM exits.
   */
  public static Map<String, String> prepare(String[] args, Map<String, String> env)
      throws IOException {
    Options options = Options.parse(args);
    Clock clock = Clock.systemUTC();
    String externalSts = env.get("AWS_ENDPOINT_URL_STS");
    Map<String, String> props = new java.util.HashMap<>();
    TokenMinter minter;
    String sidecarStsUrl = null;
    if (externalSts == null || externalSts.isBlank()) {
      JwtIssuer issuer = new JwtIssuer();
      StsEmulator sts =
          StsEmulator.builder().trust(issuer).lifetimeDivisor(options.lifetimeDivisor()).build();
      sts.permissive();
      sts.start();
      Runtime.getRuntime().addShutdownHook(new Thread(sts::close, "stagecred-demo-sts-stop"));
      minter = issuer::mint;
      Path token = Files.createTempFile("stagecred-demo-operator", ".jwt");
      token.toFile().deleteOnExit();
      Instant now = clock.instant();
      Files.writeString(
          token,
          issuer.mint(OPERATOR_SUBJECT, "sts.amazonaws.com", now, now.plus(1, ChronoUnit.DAYS)));
      props.put("stagecred.sts.endpoint", sts.endpoint().toString());
      sidecarStsUrl = sts.endpoint().toString();
      props.put("stagecred.operator-identity.token-file", token.toString());
      System.out.println(
          "stagecred demo: STS emulator at "
              + sts.endpoint()
              + " (credential lifetimes divided by "
              + options.lifetimeDivisor()
              + ")");
    } else {
      String tokenFile = env.get("AWS_WEB_IDENTITY_TOKEN_FILE");
      if (tokenFile == null || tokenFile.isBlank()) {
        throw new IllegalArgumentException(
            "AWS_ENDPOINT_URL_STS is set, so the demo needs AWS_WEB_IDENTITY_TOKEN_FILE too");
      }
      // Every identity in the demo presents the given token to the given STS.
      minter = (subject, audience, issuedAt, expiresAt) -> readToken(Path.of(tokenFile));
      System.out.println("stagecred demo: using STS at " + externalSts);
    }
    EmbeddedKubernetes kubernetes = new EmbeddedKubernetes(minter, clock).start();
    Runtime.getRuntime().addShutdownHook(new Thread(kubernetes::close, "stagecred-demo-api-stop"));
    TreeSet<String> namespaces = apply(kubernetes.url(), options.resources());
    props.put("quarkus.kubernetes-client.api-server-url", kubernetes.url());
    // In the demo, the operator's own identity is lent to the resources the demo applied.
    props.put(
        "stagecred.operator-identity.grants",
        namespaces.stream().map(ns -> ns + "=*").collect(Collectors.joining(",")));
    Path kubeconfig = null;
    if (options.outputDir() != null) {
      props.put("stagecred.demo.output-dir", options.outputDir().toAbsolutePath().toString());
      kubeconfig = writeKubeconfig(options.outputDir().toAbsolutePath(), kubernetes.url());
      if (sidecarStsUrl != null) {
        Instant now = clock.instant();
        Path sidecarEnv =
            writeSidecarEnv(
                options.outputDir().toAbsolutePath(),
                sidecarStsUrl,
                kubernetes.url(),
                minter.mint(
                    SIDECAR_SUBJECT, "sts.amazonaws.com", now, now.plus(1, ChronoUnit.DAYS)));
        System.out.println("stagecred demo: variables for trying the sidecar in " + sidecarEnv);
      }
    }
    System.out.println(
        "stagecred demo: embedded Kubernetes API at "
            + kubernetes.url()
            + ", applied "
            + options.resources());
    if (kubeconfig != null) {
      System.out.println(
          "stagecred demo: try kubectl: KUBECONFIG="
              + kubeconfig
              + " kubectl get dcred "
              + (namespaces.isEmpty() ? "-A" : "-n " + namespaces.first()));
    }
    return props;
  }

  /**
   * Writes {@code sidecar.env} (and the token it names) into the output folder: what a deploy pod
   * in namespace ci running as orders-deployer would have, pointed at this demo's STS and API.
   */
  static Path writeSidecarEnv(Path outputDir, String stsUrl, String apiUrl, String token)
      throws IOException {
    Files.createDirectories(outputDir);
    Path tokenFile = outputDir.resolve("sidecar-token");
    Files.writeString(tokenFile, token);
    Path env = outputDir.resolve("sidecar.env");
    Files.writeString(
        env,
        String.join(
            "\n",
            "# The pod environment of a deploy job in namespace ci (service account"
                + " orders-deployer),",
            "# pointed at the running demo. Source it, then start the sidecar (README,"
                + " \"Sidecar\").",
            "AWS_ENDPOINT_URL_STS=" + stsUrl,
            "AWS_WEB_IDENTITY_TOKEN_FILE=" + tokenFile,
            "AWS_REGION=us-east-1",
            "QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL=" + apiUrl,
            "STAGECRED_NAMESPACE=ci",
            ""));
    return env;
  }

  /**
   * Writes {@code kubeconfig} into the output folder: one context pointing at the embedded API over
   * plain HTTP on loopback, which asks for no credentials, so the file holds none.
   */
  static Path writeKubeconfig(Path outputDir, String apiUrl) throws IOException {
    Files.createDirectories(outputDir);
    Path file = outputDir.resolve("kubeconfig");
    Files.writeString(
        file,
        String.join(
            "\n",
            "# kubectl access to the running stagecred demo's embedded Kubernetes API (no"
                + " authentication).",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: stagecred-demo",
            "  cluster:",
            "    server: " + apiUrl,
            "users:",
            "- name: stagecred-demo",
            "  user: {}",
            "contexts:",
            "- name: stagecred-demo",
            "  context:",
            "    cluster: stagecred-demo",
            "    user: stagecred-demo",
            "current-context: stagecred-demo",
            ""));
    return file;
  }

  private static String readToken(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Applies the CRD and every resource found; returns the namespaces of DeploymentCredentials. */
  private static TreeSet<String> apply(String url, Path resources) throws IOException {
    TreeSet<String> namespaces = new TreeSet<>();
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl(url).build())
            .build()) {
      try (InputStream crd = DemoBootstrap.class.getClassLoader().getResourceAsStream(CRD)) {
        if (crd == null) {
          throw new IllegalStateException("the CRD is missing from the application: " + CRD);
        }
        client.load(crd).create();
      }
      List<HasMetadata> items = new ArrayList<>();
      for (Path file : yamlFiles(resources)) {
        try (InputStream in = Files.newInputStream(file)) {
          items.addAll(client.load(in).items());
        }
      }
      // Namespaces first, then service accounts, then everything else, as kubectl users would.
      items.sort(Comparator.comparingInt(DemoBootstrap::applyOrder));
      for (HasMetadata item : items) {
        if ("DeploymentCredential".equals(item.getKind())) {
          namespaces.add(item.getMetadata().getNamespace());
        }
        client.resource(item).create();
      }
    }
    return namespaces;
  }

  private static int applyOrder(HasMetadata item) {
    return switch (item.getKind()) {
      case "Namespace" -> 0;
      case "ServiceAccount" -> 1;
      default -> 2;
    };
  }

  private static List<Path> yamlFiles(Path resources) throws IOException {
    if (Files.isRegularFile(resources)) {
      return List.of(resources);
    }
    if (!Files.isDirectory(resources)) {
      throw new IllegalArgumentException("no such file or folder: " + resources.toAbsolutePath());
    }
    try (Stream<Path> files = Files.list(resources)) {
      return files
          .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
          .sorted()
          .toList();
    }
  }
}
