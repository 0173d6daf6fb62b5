package io.stagecred.sidecar;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.stagecred.config.StagecredConfig;
import io.stagecred.renewal.RenewalPolicy;
import io.stagecred.sts.StsGateway;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Sidecar mode: reads its settings, then refreshes the stage's credentials on one scheduler thread
 * until shutdown (or once, for init containers), serving them on the loopback endpoint when
 * configured. Starts no operator and no informer; the only API call is one {@code get} of the
 * DeploymentCredential named by STAGECRED_DEPLOYMENT_CREDENTIAL per refresh.
 */
@ApplicationScoped
public class SidecarMode {

  /** Exit code for a configuration the sidecar cannot work with. */
  public static final int EXIT_CONFIG = 2;

  /** Exit code when no credentials could be written. */
  public static final int EXIT_FAILED = 1;

  private static final Logger LOG = Logger.getLogger(SidecarMode.class);

  private final StagecredConfig config;
  private final StsGateway sts;
  private final Instance<KubernetesClient> clients;
  private final Instance<Vertx> vertx;
  private final Clock clock;
  private final CredentialState state = new CredentialState();
  private volatile RefreshLoop loop;
  private volatile CredentialEndpoint endpoint;
  private volatile int exitCode;

  public SidecarMode(
      StagecredConfig config,
      StsGateway sts,
      Instance<KubernetesClient> clients,
      Instance<Vertx> vertx,
      Clock clock) {
    this.config = config;
    this.sts = sts;
    this.clients = clients;
    this.vertx = vertx;
    this.clock = clock;
  }

  /** What the endpoint and readiness read. */
  public CredentialState state() {
    return state;
  }

  /** Runs sidecar mode; returns the process exit code. Blocks until shutdown unless ONCE. */
  public int run() {
    SidecarSettings settings;
    Supplier<TargetResolver.Result> targets;
    OutputFolder output;
    try {
      settings = SidecarSettings.from(config);
      targets = targets(settings, clients::get);
      output = new OutputFolder(settings.outputDir());
      int leftovers = output.prepare();
      if (leftovers > 0) {
        LOG.infof(
            "removed %d temporary file(s) an interrupted write left in %s",
            leftovers, settings.outputDir());
      }
    } catch (SidecarSettings.InvalidSettingsException e) {
      LOG.error(e.getMessage());
      return EXIT_CONFIG;
    } catch (IOException e) {
      LOG.errorf(
          "cannot use STAGECRED_OUTPUT_DIR %s (%s). Fix: mount a writable volume there",
          config.sidecar().outputDir(), e.getClass().getSimpleName());
      return EXIT_CONFIG;
    }
    Refresher refresher =
        new Refresher(settings, targets, sts, output, state, settings.timing(), clock);
    LOG.infof(
        "stagecred sidecar: serving stage %s from %s into %s%s",
        settings.stage(),
        settings.roleSource(),
        settings.outputDir(),
        settings.once() ? " once (STAGECRED_ONCE)" : "");
    if (settings.once()) {
      return once(refresher, settings.onceTimeout());
    }
    if (settings.endpointPort().isPresent()) {
      try {
        String token = EndpointToken.loadOrCreate(settings.endpointTokenFile());
        endpoint =
            CredentialEndpoint.start(
                vertx.get(),
                settings.endpointPort().getAsInt(),
                token,
                () ->
                    state
                        .current()
                        .map(c -> new CredentialEndpoint.Served(c.endpointBody(), c.expiration())),
                clock);
        LOG.infof(
            "credentials endpoint at http://127.0.0.1:%d/credentials (token in %s)",
            endpoint.port(), settings.endpointTokenFile());
      } catch (IOException | RuntimeException e) {
        LOG.errorf("cannot start the credentials endpoint: %s", e.getMessage());
        return EXIT_CONFIG;
      }
    }
    loop =
        new RefreshLoop(
            () -> refresher.attempt().next(),
            settings.timing().retryInitial(),
            clock,
            () -> {
              exitCode = EXIT_FAILED;
              Quarkus.asyncExit(EXIT_FAILED);
            });
    loop.start();
    Quarkus.waitForExit();
    return exitCode;
  }

  private int once(Refresher refresher, Duration timeout) {
    Instant deadline = clock.instant().plus(timeout);
    while (true) {
      Refresher.Attempt attempt;
      try {
        attempt = refresher.attempt();
      } catch (RuntimeException e) {
        // A bug, not an STS answer; its message could quote anything.
        LOG.errorf("giving up (STAGECRED_ONCE): unexpected %s", e.getClass().getName());
        return EXIT_FAILED;
      }
      if (attempt.succeeded()) {
        LOG.info("credentials written; exiting (STAGECRED_ONCE)");
        return 0;
      }
      if (!attempt.problem().transientFailure() || !clock.instant().isBefore(deadline)) {
        LOG.errorf(
            "giving up (STAGECRED_ONCE): %s%s",
            attempt.problem().message(),
            attempt.problem().transientFailure()
                ? " (still failing after STAGECRED_ONCE_TIMEOUT=" + readable(timeout) + ")"
                : "");
        return EXIT_FAILED;
      }
      // A backoff that lands past the deadline is cut short to a last attempt at the deadline.
      // Giving up as soon as the next attempt would be late stopped as early as ~35 s into the
      // default 60 s, failing init containers that a later attempt could have saved.
      Instant next = attempt.next().isAfter(deadline) ? deadline : attempt.next();
      try {
        Thread.sleep(Math.max(0, Duration.between(clock.instant(), next).toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return EXIT_FAILED;
      }
    }
  }

  /** "3s", "1m30s" as users write it, not Duration's "PT3S"; milliseconds when not whole. */
  private static String readable(Duration d) {
    return d.toMillis() % 1000 == 0 ? RenewalPolicy.formatDuration(d) : d.toMillis() + "ms";
  }

  /**
   * Where each refresh gets its target: fixed for STAGECRED_ROLE_ARN, else the definition read
   * again (a file, or one {@code get} with the client {@code clients} gives, asked only then).
   */
  static Supplier<TargetResolver.Result> targets(
      SidecarSettings settings, Supplier<KubernetesClient> clients) {
    if (settings.roleArn().isPresent()) {
      TargetResolver.Result fixed =
          new TargetResolver.Result(TargetResolver.fromRole(settings), null);
      return () -> fixed;
    }
    if (settings.definitionFile().isPresent()) {
      String namespace = settings.namespace().orElse("default");
      return () ->
          TargetResolver.fromResourceOrFailure(
              Definitions.fromFile(settings.definitionFile().get(), namespace), settings);
    }
    KubernetesClient client = clients.get();
    String namespace =
        settings
            .namespace()
            .or(() -> Optional.ofNullable(client.getNamespace()))
            .orElseThrow(
                () ->
                    new SidecarSettings.InvalidSettingsException(
                        List.of(
                            "the pod's namespace is unknown (no service-account namespace file):"
                                + " set STAGECRED_NAMESPACE, e.g. from the downward API"
                                + " (fieldRef metadata.namespace)")));
    String name = settings.resourceName().orElseThrow();
    return () ->
        TargetResolver.fromResourceOrFailure(
            Definitions.fromCluster(client, namespace, name), settings);
  }

  void onStop(@Observes ShutdownEvent event) {
    if (loop != null) {
      loop.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
    if (loop != null || endpoint != null) {
      LOG.info("stagecred sidecar stopped");
    }
  }
}
