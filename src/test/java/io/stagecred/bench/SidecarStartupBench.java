package io.stagecred.bench;

import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.sidecar.process.SidecarProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A benchmark, not a test: launches the packaged sidecar against an in-process STS emulator, N
 * times per JVM flag set, and writes a Markdown table to stdout of the time to the first
 * credentials file, to readiness UP, and the RSS after the first credentials and after an idle
 * period with renewals. Progress goes to stderr; logs and scratch files to target/bench/.
 *
 * <p>Arguments: {@code [--runs N] [--idle SECONDS] [--sets image,plain,lean,appcds,lean-appcds]}.
 */
public final class SidecarStartupBench {

  private static final String SUBJECT = "system:serviceaccount:ci:orders-deployer";
  private static final String AUDIENCE = "sts.amazonaws.com";
  private static final String ROLE = "arn:aws:iam::111111111111:role/deploy-bench";
  private static final Path WORK = Path.of("target", "bench").toAbsolutePath();
  private static final Path ARCHIVE = WORK.resolve("sidecar-appcds.jsa");
  private static final Duration POLL = Duration.ofMillis(10);
  private static final Duration STARTUP_LIMIT = Duration.ofSeconds(120);

  // JUL loggers are weakly held: keep the one whose level is changed.
  private static final Logger EMULATOR_LOG = Logger.getLogger(StsEmulator.class.getName());

  private SidecarStartupBench() {}

  /** One JVM flag set to measure. */
  private record FlagSet(String name, String description, List<String> flags) {}

  /** One launch's measurements; -1 where a stage was not reached. */
  private record Run(long firstCredentialsMs, long readyMs, long rssFirstKb, long rssIdleKb) {}

  public static void main(String[] args) throws Exception {
    int runs = 5;
    int idleSeconds = 30;
    List<String> setNames = List.of("image", "plain", "lean", "appcds", "lean-appcds");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--idle" -> idleSeconds = Integer.parseInt(args[++i]);
        case "--sets" -> setNames = List.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    // The emulator logs every call at FINE; the bench's output is the table.
    EMULATOR_LOG.setLevel(Level.INFO);
    Files.createDirectories(WORK);

    JwtIssuer issuer = new JwtIssuer();
    try (StsEmulator sts = StsEmulator.builder().trust(issuer).build().start()) {
      // 900 s requested, divided by 150: 6 s credentials, so the idle period sees renewals.
      sts.allowWebIdentity(ROLE, SUBJECT, AUDIENCE).lifetimeDivisor(ROLE, 150);
      Path token = WORK.resolve("token");
      Instant now = Instant.now();
      Files.writeString(token, issuer.mint(SUBJECT, AUDIENCE, now, now.plusSeconds(7200)));

      Map<String, FlagSet> sets = flagSets();
      if (setNames.stream().anyMatch(n -> n.endsWith("appcds")) && !dumpArchive(sts, token)) {
        System.err.println("no AppCDS archive was written; skipping the appcds sets");
        setNames = setNames.stream().filter(n -> !n.endsWith("appcds")).toList();
      }
      // One untimed launch, so the first measured one does not pay for a cold page cache.
      measure(sts, token, "warmup", sets.get("image"), 0);

      Map<FlagSet, List<Run>> results = new LinkedHashMap<>();
      for (String name : setNames) {
        FlagSet set = sets.get(name);
        if (set == null) {
          throw new IllegalArgumentException(
              "unknown flag set " + name + "; known: " + sets.keySet());
        }
        List<Run> measured = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
          Run run = measure(sts, token, name + "-" + i, set, idleSeconds);
          System.err.printf(Locale.ROOT, "%s #%d: %s%n", name, i, run);
          measured.add(run);
        }
        results.put(set, measured);
      }
      print(results, runs, idleSeconds);
    }
  }

  private static Map<String, FlagSet> flagSets() {
    List<String> image = SidecarProcess.IMAGE_FLAGS;
    Map<String, FlagSet> sets = new LinkedHashMap<>();
    sets.put("image", new FlagSet("image", "image defaults: " + String.join(" ", image), image));
    sets.put("plain", new FlagSet("plain", "`java -jar`, no flags", List.of()));
    List<String> lean = new ArrayList<>(image);
    // A small initial heap lets the young generation (and the pages it touches) start small;
    // one compiler thread and a small code cache suit a process that idles between renewals.
    lean.addAll(List.of("-Xms16m", "-XX:CICompilerCount=1", "-XX:ReservedCodeCacheSize=16m"));
    sets.put(
        "lean",
        new FlagSet(
            "lean", "image + " + String.join(" ", lean.subList(image.size(), lean.size())), lean));
    // The archive holds the classes an earlier run loaded (dumped with image flags; a dynamic
    // archive does not depend on heap settings, so the lean set can use it too).
    List<String> appcds = new ArrayList<>(image);
    appcds.add("-XX:SharedArchiveFile=" + ARCHIVE);
    sets.put(
        "appcds",
        new FlagSet("appcds", "image + AppCDS (-XX:SharedArchiveFile, see README)", appcds));
    List<String> leanAppcds = new ArrayList<>(lean);
    leanAppcds.add("-XX:SharedArchiveFile=" + ARCHIVE);
    sets.put("lean-appcds", new FlagSet("lean-appcds", "lean + AppCDS", leanAppcds));
    return sets;
  }

  /**
   * Runs the sidecar once with -XX:ArchiveClassesAtExit until readiness is UP and one renewal
   * happened (so renewal classes are in the archive), then stops it with SIGTERM: the JVM writes
   * the archive as it exits.
   */
  private static boolean dumpArchive(StsEmulator sts, Path token) throws IOException {
    Files.deleteIfExists(ARCHIVE);
    List<String> flags = new ArrayList<>(SidecarProcess.IMAGE_FLAGS);
    flags.add("-XX:ArchiveClassesAtExit=" + ARCHIVE);
    Path out = scratch("appcds-dump");
    try (SidecarProcess sidecar = launch(sts, token, "appcds-dump", flags, out)) {
      long deadline = System.nanoTime() + STARTUP_LIMIT.toNanos();
      while (System.nanoTime() < deadline
          && !sidecar.logText().contains("renewed credentials")
          && sidecar.process().isAlive()) {
        sleep(Duration.ofMillis(200));
      }
      sidecar.process().destroy();
      sidecar.waitForExit(Duration.ofSeconds(60));
    }
    return Files.isRegularFile(ARCHIVE) && Files.size(ARCHIVE) > 0;
  }

  private static Run measure(StsEmulator sts, Path token, String name, FlagSet set, int idle)
      throws IOException {
    Path out = scratch(name);
    Path credentials = out.resolve("credentials");
    long start = System.nanoTime();
    try (SidecarProcess sidecar = launch(sts, token, name, set.flags(), out)) {
      long pid = sidecar.process().pid();
      long firstMs = -1;
      long readyMs = -1;
      long rssFirst = -1;
      long deadline = start + STARTUP_LIMIT.toNanos();
      while ((firstMs < 0 || readyMs < 0)
          && System.nanoTime() < deadline
          && sidecar.process().isAlive()) {
        if (firstMs < 0 && Files.exists(credentials)) {
          firstMs = millisSince(start);
          rssFirst = rssKb(pid).orElse(-1L);
        }
        if (readyMs < 0 && sidecar.readiness().status() == 200) {
          readyMs = millisSince(start);
        }
        sleep(POLL);
      }
      if (firstMs >= 0 && readyMs >= 0 && readyMs < firstMs) {
        // Readiness turns UP only after the files are written: when it was seen first (the file
        // appeared between the two checks of one round), the file existed by then.
        firstMs = readyMs;
      }
      long rssIdle = -1;
      if (idle > 0 && readyMs >= 0) {
        sleep(Duration.ofSeconds(idle));
        rssIdle = rssKb(pid).orElse(-1L);
      }
      return new Run(firstMs, readyMs, rssFirst, rssIdle);
    }
  }

  private static SidecarProcess launch(
      StsEmulator sts, Path token, String name, List<String> flags, Path out) {
    return SidecarProcess.sidecar(name)
        .logDir(WORK)
        .flags(flags)
        .endpoint()
        .env("STAGECRED_STAGE", "pr-42")
        .env("STAGECRED_ROLE_ARN", ROLE)
        .env("AWS_REGION", "us-east-1")
        .env("STAGECRED_DURATION_SECONDS", "900")
        .env("AWS_WEB_IDENTITY_TOKEN_FILE", token.toString())
        .env("AWS_ENDPOINT_URL_STS", sts.endpoint().toString())
        .env("STAGECRED_OUTPUT_DIR", out.toString())
        .start();
  }

  private static Path scratch(String name) throws IOException {
    Path dir = WORK.resolve("runs").resolve(name);
    if (Files.exists(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        for (Path p : files.sorted(Collections.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    return dir;
  }

  /** VmRSS of {@code pid} in kB, from /proc (Linux only). */
  private static Optional<Long> rssKb(long pid) {
    try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
      return lines
          .filter(l -> l.startsWith("VmRSS:"))
          .findFirst()
          .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static void print(Map<FlagSet, List<Run>> results, int runs, int idle) {
    System.out.printf(
        Locale.ROOT,
        "Sidecar startup, %s, %d cores, Java %s, %d runs per flag set (median / min / max)%n%n",
        LocalDate.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        runs);
    System.out.printf(
        Locale.ROOT,
        "| JVM flags | first credentials file (ms) | readiness UP (ms) | RSS at first credentials"
            + " (MiB) | RSS after %d s idle with renewals (MiB) |%n",
        idle);
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<FlagSet, List<Run>> e : results.entrySet()) {
      List<Run> r = e.getValue();
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %s | %s | %s |%n",
          e.getKey().description(),
          stats(r.stream().map(Run::firstCredentialsMs).toList(), 1),
          stats(r.stream().map(Run::readyMs).toList(), 1),
          stats(r.stream().map(Run::rssFirstKb).toList(), 1024),
          stats(r.stream().map(Run::rssIdleKb).toList(), 1024));
    }
  }

  private static String stats(List<Long> values, long divisor) {
    List<Long> valid = values.stream().filter(v -> v >= 0).sorted().toList();
    if (valid.isEmpty()) {
      return "n/a";
    }
    int n = valid.size();
    double median = n % 2 == 1 ? valid.get(n / 2) : (valid.get(n / 2 - 1) + valid.get(n / 2)) / 2.0;
    String missing = valid.size() < values.size() ? " (" + (values.size() - n) + " failed)" : "";
    return String.format(
            Locale.ROOT,
            "%.0f / %.0f / %.0f",
            median / divisor,
            valid.get(0) / (double) divisor,
            valid.get(n - 1) / (double) divisor)
        + missing;
  }

  private static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
