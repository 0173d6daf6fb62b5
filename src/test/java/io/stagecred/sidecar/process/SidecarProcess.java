package io.stagecred.sidecar.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Launches a child JVM (the packaged sidecar, or any main class) with an explicit environment and
 * writes its stdout and stderr to a log file under target/; reads the sidecar's readiness, its
 * loopback endpoint and that log.
 */
public final class SidecarProcess implements AutoCloseable {

  /** The JVM flags the image uses for sidecar mode. */
  public static final List<String> IMAGE_FLAGS =
      List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx64m");

  /** Where child logs (and the ITs' scratch folders) go. */
  public static final Path WORK = Path.of("target", "sidecar-it").toAbsolutePath();

  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /** Lowest port {@link #freePort()} hands out: clear of the well-known and common dev ports. */
  private static final int PRIVATE_PORTS_FROM = 20000;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final int healthPort;
  private final OptionalInt endpointPort;

  private SidecarProcess(
      String name, Process process, Path log, int healthPort, OptionalInt endpointPort) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.healthPort = healthPort;
    this.endpointPort = endpointPort;
  }

  /** The packaged application: the failsafe-provided path, else the default Quarkus layout. */
  public static Path jar() {
    Path jar =
        Path.of(System.getProperty("stagecred.sidecar.jar", "target/quarkus-app/quarkus-run.jar"))
            .toAbsolutePath();
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: run ./mvnw package first");
    }
    return jar;
  }

  /** The java launcher of the running JVM, so children run on the same JDK. */
  public static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  /**
   * A port that is free now and that nothing else on the machine will be given before the child
   * binds it: it lies below the kernel's ephemeral range, from which every bind to port 0 (STS
   * emulators, mock API servers) and every outgoing connection draws. Quarkus with port 0 would not
   * say which port it took, and the endpoint refuses port 0, so the test picks the ports.
   */
  public static int freePort() {
    int end = ephemeralRangeStart();
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(PRIVATE_PORTS_FROM, end);
      // Tests run side by side: never hand the same port to two children of this JVM.
      if (!HANDED_OUT.contains(port) && bindable(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port between " + PRIVATE_PORTS_FROM + " and " + end + " after 200 tries");
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** The first port of Linux's ephemeral range; its default where that cannot be read. */
  private static int ephemeralRangeStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return Math.max(start, PRIVATE_PORTS_FROM + 1000);
    } catch (IOException | RuntimeException e) {
      return 32768;
    }
  }

  /** A sidecar launch named {@code name} (used for its log file name). */
  public static Builder sidecar(String name) {
    return new Builder(name);
  }

  /**
   * Starts {@code java <flags> <args>} with exactly {@code env} (nothing inherited), output to
   * {@code <WORK>/<name>.log}.
   */
  public static Process startJava(String name, List<String> args, Map<String, String> env) {
    return startJava(WORK, name, args, env);
  }

  /** {@link #startJava(String, List, Map)} with the log in {@code logDir}. */
  public static Process startJava(
      Path logDir, String name, List<String> args, Map<String, String> env) {
    List<String> command = new ArrayList<>();
    command.add(java().toString());
    command.addAll(args);
    return start(logDir, name, command, env);
  }

  /**
   * Starts {@code command} with exactly {@code env} (nothing inherited), output to {@code
   * <logDir>/<name>.log}.
   */
  public static Process start(
      Path logDir, String name, List<String> command, Map<String, String> env) {
    Path log = logFile(logDir, name);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    // A clean slate: AWS_* or QUARKUS_* of the machine running the build must not leak in.
    pb.environment().clear();
    pb.environment().putAll(env);
    try {
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command.get(0), e);
    }
  }

  /** Ends {@code process}: SIGTERM, then SIGKILL if it is still alive after {@code grace}. */
  public static void stop(Process process, Duration grace) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  /**
   * PATH (the sidecar's credential_process runs {@code cat}) and a scratch HOME, so that no ~/.aws
   * file of the machine can be read by a child.
   */
  public static Map<String, String> baseEnv() {
    Path home = WORK.resolve("home");
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"), "HOME", home.toString());
  }

  private static Path logFile(Path dir, String name) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir.resolve(name + ".log");
  }

  /** Collects a sidecar's environment and JVM flags. */
  public static final class Builder {
    private final String name;
    private final Map<String, String> env = new LinkedHashMap<>();
    private List<String> flags = IMAGE_FLAGS;
    private boolean endpoint;
    private Path logDir = WORK;

    private Builder(String name) {
      this.name = Objects.requireNonNull(name, "name");
      env.putAll(baseEnv());
    }

    /** Adds or replaces one environment variable. */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** Adds every entry of {@code more}. */
    public Builder env(Map<String, String> more) {
      env.putAll(more);
      return this;
    }

    /** Drops a variable set earlier. */
    public Builder without(String key) {
      env.remove(key);
      return this;
    }

    /** JVM flags instead of {@link #IMAGE_FLAGS}. */
    public Builder flags(List<String> jvmFlags) {
      this.flags = List.copyOf(jvmFlags);
      return this;
    }

    /** Writes the log into {@code dir} instead of {@link #WORK}. */
    public Builder logDir(Path dir) {
      this.logDir = dir.toAbsolutePath();
      return this;
    }

    /** Also serve the loopback endpoint, on a free port. */
    public Builder endpoint() {
      this.endpoint = true;
      return this;
    }

    /** Starts {@code java <flags> -jar quarkus-run.jar sidecar}. */
    public SidecarProcess start() {
      int health = freePort();
      env.put("QUARKUS_HTTP_PORT", Integer.toString(health));
      OptionalInt endpointPort = OptionalInt.empty();
      if (endpoint) {
        endpointPort = OptionalInt.of(freePort());
        env.put("STAGECRED_ENDPOINT_PORT", Integer.toString(endpointPort.getAsInt()));
      }
      List<String> args = new ArrayList<>(flags);
      args.addAll(List.of("-jar", jar().toString(), "sidecar"));
      Process process = startJava(logDir, name, args, env);
      return new SidecarProcess(name, process, logDir.resolve(name + ".log"), health, endpointPort);
    }
  }

  public Process process() {
    return process;
  }

  public String name() {
    return name;
  }

  /** The file holding the child's stdout and stderr. */
  public Path log() {
    return log;
  }

  /** Everything the child printed so far. */
  public String logText() {
    try {
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The readiness answer, or empty while nothing listens yet. */
  public HttpResult readiness() {
    return get(URI.create("http://127.0.0.1:" + healthPort + "/q/health/ready"), null);
  }

  /** GET /credentials with this Authorization header (null: none). */
  public HttpResult credentials(String authorization) {
    int port = endpointPort.orElseThrow(() -> new IllegalStateException("no endpoint"));
    return get(URI.create("http://127.0.0.1:" + port + "/credentials"), authorization);
  }

  public int endpointPort() {
    return endpointPort.orElseThrow();
  }

  /** Whether the child ended within {@code timeout}. */
  public boolean waitForExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** SIGTERM, then SIGKILL after a bounded wait. */
  @Override
  public void close() {
    stop(process, Duration.ofSeconds(15));
  }

  /**
   * An HTTP answer: status -1 when nothing answered (not listening yet, or gone).
   *
   * @param body the response body; may hold credentials, so never put it in a message
   */
  public record HttpResult(int status, String body) {
    public boolean answered() {
      return status > 0;
    }

    @Override
    public String toString() {
      return "HttpResult[status=" + status + ", body=<" + body.length() + " chars>]";
    }
  }

  private static HttpResult get(URI uri, String authorization) {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    try {
      HttpResponse<String> response =
          HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new HttpResult(response.statusCode(), response.body());
    } catch (IOException e) {
      // Refused, timed out or reset while the child starts or stops: all mean "no answer".
      return new HttpResult(-1, "");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new HttpResult(-1, "");
    }
  }
}
