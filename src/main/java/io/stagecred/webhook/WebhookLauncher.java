package io.stagecred.webhook;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.config.StagecredConfig;
import io.stagecred.inject.Admission;
import io.stagecred.inject.SidecarTemplate;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Runs the sidecar-injection webhook in operator mode: keeps its certificate ({@link TlsKeeper},
 * every {@code check-interval}), serves admission reviews over HTTPS ({@link WebhookServer}) and
 * counts them ({@code stagecred_webhook_admissions_total{result}}).
 */
@Singleton
public class WebhookLauncher {

  /** The path the MutatingWebhookConfiguration calls (deploy/webhook.yaml). */
  public static final String PATH = "/mutate-pods";

  private static final Logger LOG = Logger.getLogger(WebhookLauncher.class);

  /** Asked for only in operator mode: sidecar mode must load no Kubernetes client. */
  private final Instance<KubernetesClient> clients;

  private final StagecredConfig config;
  private final Map<Admission.Result, Counter> admissions = new EnumMap<>(Admission.Result.class);
  private final Counter errors;
  private ScheduledExecutorService scheduler;
  private volatile WebhookServer server;

  public WebhookLauncher(
      Instance<KubernetesClient> clients, StagecredConfig config, MeterRegistry registry) {
    this.clients = clients;
    this.config = config;
    for (Admission.Result result : Admission.Result.values()) {
      admissions.put(result, counter(registry, result.label()));
    }
    errors = counter(registry, "error");
  }

  private static Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("stagecred.webhook.admissions")
        .description("Pod admissions the sidecar-injection webhook answered, by result")
        .tag("result", result)
        .register(registry);
  }

  void onStart(@Observes StartupEvent event, Vertx vertx, Clock clock) {
    StagecredConfig.Webhook webhook = config.webhook();
    if (!"operator".equals(config.mode()) || !webhook.enabled()) {
      return;
    }
    StagecredConfig.Webhook.Tls tls = webhook.tls();
    Admission.Settings settings =
        new Admission.Settings(
            new SidecarTemplate(webhook.sidecarImage(), webhook.sidecarImagePullPolicy()),
            config.tokenRequest().defaultAudience(),
            config.sts().allowUnknownRegions());
    server = new WebhookServer(vertx, webhook.port(), body -> answer(body.toString(), settings));
    TlsKeeper keeper =
        new TlsKeeper(
            clients.get(),
            tls.namespace(),
            tls.secret(),
            tls.configuration(),
            tls.manage(),
            policy(tls),
            clock);
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "stagecred-webhook-tls");
              t.setDaemon(true);
              return t;
            });
    // The first check runs at once; until it succeeds, the webhook serves nothing and the API
    // server fails the admissions it sends (failurePolicy Fail: opted-in pods wait, others never
    // come here).
    scheduler.scheduleWithFixedDelay(
        () -> check(keeper), 0, tls.checkInterval().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * What keeps the webhook's settings from working, each naming its property and variable; empty
   * when they are usable.
   */
  public static List<String> problems(StagecredConfig.Webhook webhook) {
    List<String> problems = new ArrayList<>();
    if (webhook.port() < 1 || webhook.port() > 65535) {
      problems.add(
          "stagecred.webhook.port (STAGECRED_WEBHOOK_PORT) is "
              + webhook.port()
              + ": use a TCP port, 1 to 65535 (deploy/ uses 8443)");
    }
    if (webhook.sidecarImage().isBlank()) {
      problems.add(
          "stagecred.webhook.sidecar-image (STAGECRED_WEBHOOK_SIDECAR_IMAGE) is empty: set it to"
              + " the operator's own image");
    }
    StagecredConfig.Webhook.Tls tls = webhook.tls();
    Map<String, Duration> durations = new LinkedHashMap<>();
    durations.put("ca-validity", tls.caValidity());
    durations.put("certificate-validity", tls.certificateValidity());
    durations.put("ca-overlap", tls.caOverlap());
    durations.put("check-interval", tls.checkInterval());
    durations.forEach(
        (name, value) -> {
          if (value.isNegative() || value.isZero()) {
            problems.add(tlsProperty(name) + " is " + value + ": use a positive duration");
          }
        });
    if (tls.certificateValidity().compareTo(tls.caValidity()) > 0) {
      problems.add(
          tlsProperty("certificate-validity")
              + " is longer than "
              + tlsProperty("ca-validity")
              + ": a certificate cannot outlive the CA that signs it");
    }
    if (tls.caOverlap().compareTo(tls.caValidity().dividedBy(3)) >= 0) {
      problems.add(
          tlsProperty("ca-overlap")
              + " must be shorter than a third of "
              + tlsProperty("ca-validity")
              + ": the next CA joins the bundle when a third of the current one's life is left, and"
              + " must sign before the current one expires");
    }
    for (String ip : tls.ipAddresses().orElse(List.of())) {
      if (!Certificates.isIpAddress(ip)) {
        problems.add(
            tlsProperty("ip-addresses")
                + " lists '"
                + ip
                + "', which is not an IP address: list literal addresses (DNS names come from"
                + " stagecred.webhook.tls.service)");
      }
    }
    return problems;
  }

  private static String tlsProperty(String name) {
    return "stagecred.webhook.tls."
        + name
        + " (STAGECRED_WEBHOOK_TLS_"
        + name.replace('-', '_').toUpperCase(Locale.ROOT)
        + ")";
  }

  /** The certificate names: the Service's DNS names, and the configured IP addresses. */
  static TlsPlan.Policy policy(StagecredConfig.Webhook.Tls tls) {
    String service = tls.service();
    String ns = tls.namespace();
    List<String> dns = new ArrayList<>();
    dns.add(service + "." + ns + ".svc");
    dns.add(service + "." + ns + ".svc.cluster.local");
    dns.add(service + "." + ns);
    dns.add(service);
    return new TlsPlan.Policy(
        tls.caValidity(),
        tls.certificateValidity(),
        tls.caOverlap(),
        List.copyOf(dns),
        tls.ipAddresses().orElse(List.of()));
  }

  private void check(TlsKeeper keeper) {
    try {
      Optional<TlsKeeper.Serving> serving = keeper.check();
      if (serving.isPresent()) {
        server.serve(serving.get().certificate(), serving.get().key());
      } else if (!server.serving()) {
        LOG.warnf(
            "webhook: Secret %s/%s holds no tls.crt and tls.key yet; not serving",
            config.webhook().tls().namespace(), config.webhook().tls().secret());
      }
    } catch (UnusableCertificateException e) {
      LOG.warnf(
          "webhook: the certificate in Secret %s/%s cannot be served: %s (cert-manager: use"
              + " privateKey encoding PKCS8); trying again in %s",
          config.webhook().tls().namespace(),
          config.webhook().tls().secret(),
          e.getMessage(),
          config.webhook().tls().checkInterval());
    } catch (RuntimeException e) {
      // Never the exception's text: it could quote a Secret.
      LOG.warnf(
          "webhook: could not check its certificate (%s); trying again in %s",
          e.getClass().getSimpleName(), config.webhook().tls().checkInterval());
    }
  }

  private String answer(String body, Admission.Settings settings) {
    try {
      AdmissionReviews.Answer answer = AdmissionReviews.answer(body, this::lookup, settings);
      admissions.get(answer.result()).increment();
      return answer.json();
    } catch (RuntimeException e) {
      errors.increment();
      throw e;
    }
  }

  private Optional<DeploymentCredential> lookup(String namespace, String name) {
    return Optional.ofNullable(
        clients
            .get()
            .resources(DeploymentCredential.class)
            .inNamespace(namespace)
            .withName(name)
            .get());
  }

  /** Whether the webhook runs here, and whether it serves yet. */
  enum State {
    OFF,
    WAITING,
    SERVING
  }

  /** For readiness. */
  State state() {
    WebhookServer s = server;
    if (s == null) {
      return State.OFF;
    }
    return s.serving() ? State.SERVING : State.WAITING;
  }

  void onStop(@Observes ShutdownEvent event) {
    if (scheduler != null) {
      scheduler.shutdownNow();
      scheduler = null;
    }
    if (server != null) {
      server.stop();
      server = null;
    }
  }
}
