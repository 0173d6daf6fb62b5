package io.stagecred.controlplane;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.HttpsURLConnection;

/**
 * A real Kubernetes control plane for tests: etcd, kube-apiserver (RBAC, a service-account issuer,
 * an audit log of every request) and kube-controller-manager (garbage collector and namespace
 * controllers), started on loopback with random ports in a temporary folder from the binaries that
 * {@code src/test/controlplane/build.sh} builds. {@link #shared()} is the one instance of a class
 * loader (plain tests share one, {@code @QuarkusTest}s, in Quarkus's class loader, another); it is
 * stopped and its folder removed when the JVM exits, whether the tests passed or not.
 */
public final class ControlPlane implements AutoCloseable {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  /** {@code -Dcontrolplane.keep=true} keeps the folder (logs, audit log) after the tests. */
  private static final String KEEP_PROPERTY = "controlplane.keep";

  private static ControlPlane shared;

  private final Path bin;
  private final Path dir;
  private final int etcdPort;
  private final int etcdPeerPort;
  private final int apiPort;
  private final String adminToken;
  private final String controllerManagerToken;
  private final Pem.Trust trust;
  private final List<Restart> restarts = new ArrayList<>();
  private Process etcd;
  private Process apiServer;
  private Process controllerManager;
  private KubernetesClient admin;

  private ControlPlane(Path bin, Path dir) {
    this.bin = bin;
    this.dir = dir;
    this.etcdPort = freePort();
    this.etcdPeerPort = freePort();
    this.apiPort = freePort();
    this.adminToken = randomToken();
    this.controllerManagerToken = randomToken();
    this.trust = new Pem.Trust(dir.resolve("certs/apiserver.crt"));
  }

  /** The control plane of this test JVM, started on first use. */
  public static synchronized ControlPlane shared() {
    if (shared == null) {
      ControlPlane started = start();
      Runtime.getRuntime().addShutdownHook(new Thread(started::close, "control-plane-stop"));
      shared = started;
    }
    shared.checkAlive();
    return shared;
  }

  /**
   * Builds (or finds) the binaries, then starts etcd, the API server and the controller manager.
   */
  static ControlPlane start() {
    Path dir;
    try {
      dir = Files.createTempDirectory("stagecred-controlplane");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ControlPlane plane = new ControlPlane(Binaries.locate(), dir);
    try {
      plane.prepare();
      plane.startEtcd();
      plane.startApiServer();
      plane.startControllerManager();
      return plane;
    } catch (RuntimeException | Error e) {
      plane.close();
      throw e;
    }
  }

  /** https://127.0.0.1:&lt;port&gt;, also the service-account issuer. */
  public String url() {
    return "https://127.0.0.1:" + apiPort;
  }

  /** The issuer of service-account tokens, as in their {@code iss} claim. */
  public String issuer() {
    return url();
  }

  /** The PEM file of the API server's self-signed serving certificate. */
  public Path caFile() {
    return trust.file();
  }

  /** TLS trust for the API server's self-signed certificate, for plain HTTP clients. */
  public Pem.Trust trust() {
    return trust;
  }

  /** A client authenticated as a cluster admin ({@code system:masters}). */
  public synchronized KubernetesClient admin() {
    checkAlive();
    if (admin == null) {
      admin = client(adminToken);
    }
    return admin;
  }

  /** A new client that authenticates with {@code token}; the caller closes it. */
  private KubernetesClient client(String token) {
    return new KubernetesClientBuilder().withConfig(config(token)).build();
  }

  /** Client settings for this server with {@code token}. */
  private Config config(String token) {
    return new ConfigBuilder()
        .withMasterUrl(url())
        .withCaCertFile(caFile().toString())
        .withOauthToken(token)
        .withNamespace(null)
        .withAutoConfigure(false)
        .withRequestRetryBackoffLimit(2)
        .build();
  }

  /**
   * A real token of service account {@code namespace/name} from the TokenRequest API, for {@code
   * audience} (null: the API server's own audience, usable against the API).
   */
  public String token(String namespace, String name, String audience, Duration lifetime) {
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .withAudiences(audience == null ? List.of(issuer()) : List.of(audience))
            .withExpirationSeconds(lifetime.toSeconds())
            .endSpec()
            .build();
    return admin()
        .serviceAccounts()
        .inNamespace(namespace)
        .withName(name)
        .tokenRequest(request)
        .getStatus()
        .getToken();
  }

  /** A new client acting as service account {@code namespace/name}; the caller closes it. */
  public KubernetesClient clientFor(String namespace, String name) {
    return client(token(namespace, name, null, Duration.ofHours(6)));
  }

  /** {@link #clientFor(String, String)} reading and writing JSON with {@code serialization}. */
  public KubernetesClient clientFor(
      String namespace, String name, KubernetesSerialization serialization) {
    return new KubernetesClientBuilder()
        .withConfig(config(token(namespace, name, null, Duration.ofHours(6))))
        .withKubernetesSerialization(serialization)
        .build();
  }

  /** Writes a kubeconfig for {@code token} into the control plane's folder and returns its path. */
  private Path kubeconfig(String user, String token) {
    Path file = dir.resolve("kubeconfig-" + user);
    String yaml =
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: test",
            "  cluster: {server: '" + url() + "', certificate-authority: '" + caFile() + "'}",
            "users:",
            "- name: " + user,
            "  user: {token: '" + token + "'}",
            "contexts:",
            "- name: test",
            "  context: {cluster: test, user: " + user + "}",
            "current-context: test",
            "");
    write(file, yaml);
    return file;
  }

  /** The pinned kubectl, run as the admin; returns its output or fails with it. */
  public String kubectl(String... args) {
    return Binaries.run(
        bin.resolve("kubectl"), kubeconfig("admin", adminToken), Duration.ofSeconds(60), args);
  }

  /** The API server's audit log: one entry per request, with user, verb and object. */
  public AuditLog audit() {
    checkAlive();
    return AuditLog.read(dir.resolve("audit.log"));
  }

  /**
   * Stops the API server, leaves it down for {@code downtime} (etcd keeps the data), and starts it
   * again on the same port with the same keys.
   */
  public synchronized void restartApiServer(Duration downtime) {
    Instant stopped = Instant.now();
    Processes.stop(apiServer);
    sleep(downtime);
    startApiServer();
    restarts.add(new Restart(stopped, Instant.now()));
  }

  /**
   * From when the API server was stopped until it was ready again: requests that reached it in that
   * window may be refused (403) before its RBAC caches are filled, whoever makes them.
   */
  public record Restart(Instant stopped, Instant ready) {
    public boolean covers(Instant time) {
      return !time.isBefore(stopped) && !time.isAfter(ready);
    }
  }

  /** Every {@link #restartApiServer} so far. */
  public synchronized List<Restart> restarts() {
    return List.copyOf(restarts);
  }

  /**
   * Restarts the controller manager, so that its garbage collector knows resource types installed
   * since it started: it rediscovers them only every 30 s, and until then cannot read the owners of
   * their dependents (real clusters live with that delay; tests should not wait for it).
   */
  public synchronized void restartControllerManager() {
    Processes.stop(controllerManager);
    startControllerManager();
  }

  /** Fails with the log tail of any control-plane process that has exited. */
  public synchronized void checkAlive() {
    Processes.checkAlive(etcd, "etcd", dir.resolve("etcd.log"));
    Processes.checkAlive(apiServer, "kube-apiserver", dir.resolve("kube-apiserver.log"));
    Processes.checkAlive(
        controllerManager, "kube-controller-manager", dir.resolve("kube-controller-manager.log"));
  }

  /** The folder holding the logs, keys and etcd data. */
  Path dir() {
    return dir;
  }

  /** The running API server process. */
  synchronized Process apiServerProcess() {
    return apiServer;
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close();
      admin = null;
    }
    Processes.stop(controllerManager);
    Processes.stop(apiServer);
    Processes.stop(etcd);
    controllerManager = null;
    apiServer = null;
    etcd = null;
    if (Boolean.getBoolean(KEEP_PROPERTY)) {
      System.err.println("control plane logs and audit log kept in " + dir);
    } else {
      deleteTree(dir);
    }
  }

  private void prepare() {
    KeyPair serviceAccountKey;
    try {
      KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
      rsa.initialize(2048);
      serviceAccountKey = rsa.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    write(dir.resolve("sa.key"), Pem.encode("PRIVATE KEY", serviceAccountKey.getPrivate()));
    write(dir.resolve("sa.pub"), Pem.encode("PUBLIC KEY", serviceAccountKey.getPublic()));
    // Static tokens: the admin in system:masters, the controller manager as the user its bootstrap
    // RBAC roles are bound to.
    write(
        dir.resolve("tokens.csv"),
        adminToken
            + ",admin,admin,system:masters\n"
            + controllerManagerToken
            + ",system:kube-controller-manager,kube-controller-manager\n");
    // Every request at Metadata level: user, verb, resource, subresource, namespace, name and the
    // response code, never a body (which could hold a Secret's data).
    write(
        dir.resolve("audit-policy.yaml"),
        "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\n"
            + "rules:\n- level: Metadata\n");
  }

  private void startEtcd() {
    String client = "http://127.0.0.1:" + etcdPort;
    String peer = "http://127.0.0.1:" + etcdPeerPort;
    etcd =
        Processes.start(
            dir.resolve("etcd.log"),
            bin.resolve("etcd").toString(),
            "--name=default",
            "--data-dir=" + dir.resolve("etcd"),
            "--listen-client-urls=" + client,
            "--advertise-client-urls=" + client,
            "--listen-peer-urls=" + peer,
            "--initial-advertise-peer-urls=" + peer,
            "--initial-cluster=default=" + peer,
            "--unsafe-no-fsync=true",
            "--log-level=warn");
    await(
        "etcd", etcd, dir.resolve("etcd.log"), () -> httpOk(URI.create(client + "/health"), null));
  }

  private synchronized void startApiServer() {
    Path log = dir.resolve("kube-apiserver.log");
    List<String> args = new ArrayList<>();
    args.add(bin.resolve("kube-apiserver").toString());
    args.addAll(
        List.of(
            "--etcd-servers=http://127.0.0.1:" + etcdPort,
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            "--secure-port=" + apiPort,
            "--cert-dir=" + dir.resolve("certs"),
            "--token-auth-file=" + dir.resolve("tokens.csv"),
            "--authorization-mode=RBAC",
            "--service-account-issuer=" + issuer(),
            "--service-account-jwks-uri=" + url() + "/openid/v1/jwks",
            "--service-account-key-file=" + dir.resolve("sa.pub"),
            "--service-account-signing-key-file=" + dir.resolve("sa.key"),
            "--api-audiences=" + issuer(),
            "--service-cluster-ip-range=10.0.0.0/24",
            "--endpoint-reconciler-type=none",
            "--disable-admission-plugins=ServiceAccount",
            "--allow-privileged=true",
            "--audit-policy-file=" + dir.resolve("audit-policy.yaml"),
            "--audit-log-path=" + dir.resolve("audit.log"),
            "--audit-log-mode=blocking",
            // Never rotated during a run (the default rotates at 100 MB, and AuditLog reads only
            // the current file): tests read everything since the start.
            "--audit-log-maxsize=100000",
            "--v=1"));
    apiServer = Processes.start(log, args.toArray(String[]::new));
    await(
        "kube-apiserver",
        apiServer,
        log,
        () -> Files.exists(caFile()) && httpOk(URI.create(url() + "/readyz"), adminToken));
  }

  private void startControllerManager() {
    Path kubeconfig = kubeconfig("kube-controller-manager", controllerManagerToken);
    controllerManager =
        Processes.start(
            dir.resolve("kube-controller-manager.log"),
            bin.resolve("kube-controller-manager").toString(),
            "--kubeconfig=" + kubeconfig,
            "--controllers=garbage-collector-controller,namespace-controller",
            "--leader-elect=false",
            "--secure-port=0",
            "--concurrent-gc-syncs=5",
            "--v=1");
    // The controller manager has no port to ask; a moment's life without exiting is its readiness.
    sleep(Duration.ofMillis(500));
    Processes.checkAlive(
        controllerManager, "kube-controller-manager", dir.resolve("kube-controller-manager.log"));
  }

  private interface Check {
    boolean ready() throws IOException;
  }

  private static void await(String what, Process process, Path log, Check check) {
    Instant deadline = Instant.now().plus(START_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      Processes.checkAlive(process, what, log);
      try {
        if (check.ready()) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      sleep(Duration.ofMillis(200));
    }
    throw new IllegalStateException(
        what + " not ready after " + START_TIMEOUT.toSeconds() + " s\n" + Processes.tail(log));
  }

  private boolean httpOk(URI uri, String token) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    if (connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(trust.socketFactory());
    }
    if (token != null) {
      connection.setRequestProperty("Authorization", "Bearer " + token);
    }
    connection.setConnectTimeout(1000);
    connection.setReadTimeout(5000);
    try (InputStream body =
        connection.getResponseCode() == 200 ? connection.getInputStream() : null) {
      return body != null;
    } finally {
      connection.disconnect();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static void write(Path file, String content) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void sleep(Duration duration) {
    try {
      TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a leftover temp folder is harmless
    }
  }

  /** Base64 of {@code bytes} in lines of 64, as PEM wants. */
  static String base64Lines(byte[] bytes) {
    return Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(bytes);
  }
}
