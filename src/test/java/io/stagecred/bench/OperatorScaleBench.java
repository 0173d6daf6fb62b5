package io.stagecred.bench;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.StageSpec;
import io.stagecred.controlplane.AuditLog;
import io.stagecred.controlplane.ControlPlane;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.it.Fixtures;
import io.stagecred.it.Installation;
import io.stagecred.sidecar.process.SidecarProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * A benchmark, not a test: the packaged operator on the real control plane issues N resources of 3
 * stages, next to a floor program that makes the same 3N STS calls and creates the same 3N Secrets
 * with the same kinds of clients and 50 threads. Prints a Markdown table: time to all Ready, the
 * ratio to the floor, STS calls, the operator's API calls by verb and resource (from the audit
 * log), Events, RSS, live heap after a full GC, and the size of /q/metrics. Progress goes to
 * stderr.
 *
 * <p>Arguments: {@code [--resources N[,N...]] [--jar PATH] [--heap 384m] [--threads T]} (T: the
 * operator's reconciliation threads; default: its own setting).
 */
public final class OperatorScaleBench {

  private static final List<String> STAGES = List.of("dev", "qa", "prod");
  private static final String ROLE = "arn:aws:iam::111111111111:role/deploy-scale";
  private static final String AUDIENCE = "sts.amazonaws.com";
  private static final Path WORK = Path.of("target", "bench").toAbsolutePath();
  private static final int THREADS = 50;

  // JUL loggers are weakly held: keep the one whose level is changed.
  private static final Logger EMULATOR_LOG = Logger.getLogger(StsEmulator.class.getName());

  private OperatorScaleBench() {}

  private record Result(
      int resources,
      Duration operator,
      Duration floor,
      int stsCalls,
      Map<String, Long> apiCalls,
      int events,
      long rssKb,
      long heapKb,
      int metricsBytes) {}

  public static void main(String[] args) throws Exception {
    List<Integer> sizes = List.of(100, 1000);
    Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();
    String heap = "384m";
    Optional<Integer> threads = Optional.empty();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--resources" ->
            sizes = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
        case "--jar" -> jar = Path.of(args[++i]).toAbsolutePath();
        case "--heap" -> heap = args[++i];
        case "--threads" -> threads = Optional.of(Integer.parseInt(args[++i]));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    EMULATOR_LOG.setLevel(Level.WARNING);
    Files.createDirectories(WORK);
    ControlPlane kubernetes = Installation.installed();
    List<Result> results = new ArrayList<>();
    for (int n : sizes) {
      results.add(run(kubernetes, jar, heap, threads, n));
    }
    System.out.println(
        "| N × 3 stages | operator to all Ready | floor | ratio | STS calls | API calls per stage"
            + " (Secrets, status, Events, tokens, other) | Events | RSS | live heap | /q/metrics |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      int stages = r.resources() * STAGES.size();
      long secrets = sum(r.apiCalls(), "secrets");
      long status = sum(r.apiCalls(), "deploymentcredentials/status");
      long events = sum(r.apiCalls(), "events");
      long tokens = sum(r.apiCalls(), "serviceaccounts/token");
      long all = r.apiCalls().values().stream().mapToLong(Long::longValue).sum();
      System.out.printf(
          "| %d | %.1f s | %.1f s | %.2f× | %d | %.2f (%.2f, %.2f, %.2f, %.2f, %.2f) | %d | %d MiB |"
              + " %d MiB | %d KiB |%n",
          r.resources(),
          r.operator().toMillis() / 1000.0,
          r.floor().toMillis() / 1000.0,
          (double) r.operator().toMillis() / Math.max(1, r.floor().toMillis()),
          r.stsCalls(),
          (double) all / stages,
          (double) secrets / stages,
          (double) status / stages,
          (double) events / stages,
          (double) tokens / stages,
          (double) (all - secrets - status - events - tokens) / stages,
          r.events(),
          r.rssKb() / 1024,
          r.heapKb() / 1024,
          r.metricsBytes() / 1024);
      System.out.println("  calls by verb and resource: " + r.apiCalls());
    }
    System.exit(0);
  }

  private static long sum(Map<String, Long> calls, String resource) {
    return calls.entrySet().stream()
        .filter(e -> e.getKey().endsWith(" " + resource))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  private static Result run(
      ControlPlane kubernetes, Path jar, String heap, Optional<Integer> threads, int n)
      throws Exception {
    KubernetesClient admin = kubernetes.admin();
    String ns = Fixtures.uniqueNamespace("scale-" + n);
    String floorNs = ns + "-floor";
    Fixtures.namespaceWithServiceAccount(admin, ns, "deployer");
    Fixtures.namespaceWithServiceAccount(admin, floorNs, "deployer");
    try (StsEmulator sts = StsEmulator.builder().build().start()) {
      sts.trustDiscovered(URI.create(kubernetes.issuer()), kubernetes.trust().sslContext());
      sts.allowWebIdentity(ROLE, "system:serviceaccount:" + ns + ":deployer", AUDIENCE);
      sts.allowWebIdentity(ROLE, "system:serviceaccount:" + floorNs + ":deployer", AUDIENCE);

      Duration floor = floor(kubernetes, sts, floorNs, n);
      log("N=%d: floor %s", n, floor);
      int floorCalls = sts.count("AssumeRoleWithWebIdentity");

      int port = SidecarProcess.freePort();
      Map<String, String> env = new TreeMap<>(SidecarProcess.baseEnv());
      env.put("QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL", kubernetes.url());
      env.put("QUARKUS_KUBERNETES_CLIENT_CA_CERT_FILE", kubernetes.caFile().toString());
      env.put(
          "QUARKUS_KUBERNETES_CLIENT_TOKEN",
          kubernetes.token(
              Installation.NAMESPACE, Installation.SERVICE_ACCOUNT, null, Duration.ofHours(2)));
      env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
      env.put("STAGECRED_STS_ENDPOINT", sts.endpoint().toString());
      env.put("STAGECRED_WEBHOOK_ENABLED", "false");
      env.put("QUARKUS_LOG_LEVEL", "WARN");
      threads.ifPresent(
          t -> env.put("QUARKUS_OPERATOR_SDK_CONCURRENT_RECONCILIATION_THREADS", t.toString()));
      Process operator =
          SidecarProcess.startJava(
              WORK,
              "operator-" + n,
              List.of("-Xmx" + heap, "-jar", jar.toString(), "operator"),
              env);
      try {
        awaitHttp(URI.create("http://127.0.0.1:" + port + "/q/health/ready"), operator);
        Instant auditFrom = Instant.now();
        Instant start = Instant.now();
        create(admin, ns, n);
        awaitAllReady(admin, ns, n, operator);
        Duration took = Duration.between(start, Instant.now());
        log("N=%d: operator %s", n, took);
        Thread.sleep(3000); // let the audit log and any follow-up passes settle
        log(
            "N=%d: operator STS calls by action and outcome: %s",
            n,
            sts.calls().stream()
                .skip(floorCalls)
                .collect(
                    Collectors.groupingBy(
                        c -> c.action() + " " + c.outcome(), TreeMap::new, Collectors.counting())));
        Map<String, Long> calls =
            kubernetes.audit().by(Installation.OPERATOR_USER).stream()
                .filter(e -> ns.equals(e.namespace()) && !e.received().isBefore(auditFrom))
                .collect(
                    Collectors.groupingBy(
                        (AuditLog.Entry e) -> e.verb() + " " + e.rbacResource(),
                        TreeMap::new,
                        Collectors.counting()));
        int events = admin.v1().events().inNamespace(ns).list().getItems().size();
        long rss = rssKb(operator.pid());
        long heapUsed = liveHeapKb(operator.pid());
        int metrics =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray())
                .body()
                .length;
        return new Result(
            n,
            took,
            floor,
            sts.count("AssumeRoleWithWebIdentity") - floorCalls,
            calls,
            events,
            rss,
            heapUsed,
            metrics);
      } finally {
        SidecarProcess.stop(operator, Duration.ofSeconds(10));
        admin.namespaces().withName(ns).delete();
        admin.namespaces().withName(floorNs).delete();
      }
    }
  }

  /** The same 3N STS calls and 3N Secret creates, 50 at a time. */
  private static Duration floor(ControlPlane kubernetes, StsEmulator sts, String ns, int n)
      throws Exception {
    String token = kubernetes.token(ns, "deployer", AUDIENCE, Duration.ofHours(1));
    KubernetesClient writer =
        kubernetes.clientFor(Installation.NAMESPACE, Installation.SERVICE_ACCOUNT);
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (StsClient client =
        StsClient.builder()
            .endpointOverride(sts.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {
      Instant start = Instant.now();
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        for (String stage : STAGES) {
          String name = "app-" + i + "-" + stage;
          done.add(
              pool.submit(
                  () -> {
                    Credentials c =
                        client
                            .assumeRoleWithWebIdentity(
                                AssumeRoleWithWebIdentityRequest.builder()
                                    .roleArn(ROLE)
                                    .roleSessionName("floor." + name)
                                    .webIdentityToken(token)
                                    .build())
                            .credentials();
                    writer
                        .secrets()
                        .inNamespace(ns)
                        .resource(
                            new SecretBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .endMetadata()
                                .addToData(
                                    "AWS_ACCESS_KEY_ID",
                                    Base64.getEncoder().encodeToString(c.accessKeyId().getBytes()))
                                .build())
                        .create();
                    return null;
                  }));
        }
      }
      for (Future<?> f : done) {
        f.get();
      }
      return Duration.between(start, Instant.now());
    } finally {
      pool.shutdownNow();
      writer.close();
    }
  }

  private static void create(KubernetesClient admin, String ns, int n) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int index = i;
        done.add(
            pool.submit(
                () ->
                    admin
                        .resource(
                            Fixtures.resource(
                                ns,
                                "app-" + index,
                                "deployer",
                                STAGES.stream()
                                    .map(s -> Fixtures.stage(s, ROLE))
                                    .toArray(StageSpec[]::new)))
                        .create()));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void awaitAllReady(KubernetesClient admin, String ns, int n, Process operator)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(30));
    while (Instant.now().isBefore(deadline)) {
      if (!operator.isAlive()) {
        throw new IllegalStateException("the operator stopped; see " + WORK);
      }
      long ready =
          admin.resources(DeploymentCredential.class).inNamespace(ns).list().getItems().stream()
              .filter(
                  dc ->
                      dc.getStatus() != null
                          && dc.getStatus().getConditions().stream()
                              .anyMatch(
                                  (Condition c) ->
                                      "Ready".equals(c.getType()) && "True".equals(c.getStatus())))
              .count();
      if (ready == n) {
        return;
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("not all " + n + " resources became Ready");
  }

  private static void awaitHttp(URI uri, Process process) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the operator stopped; see " + WORK);
      }
      try {
        if (http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode()
            == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(uri + " never answered 200");
  }

  private static long rssKb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  /** Heap in use right after a full GC, from jcmd (the JDK running this bench). */
  private static long liveHeapKb(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    run(jcmd.toString(), Long.toString(pid), "GC.run");
    String info = run(jcmd.toString(), Long.toString(pid), "GC.heap_info");
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static String run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor(60, TimeUnit.SECONDS);
    return out;
  }

  private static void log(String format, Object... args) {
    System.err.printf(format + "%n", args);
  }
}
