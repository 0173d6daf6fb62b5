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
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
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

  private final KubernetesClient client;
  private final StagecredConfig config;
  private final Map<Admission.Result, Counter> admissions = new EnumMap<>(Admission.Result.class);
  private final Counter errors;
  private ScheduledExecutorService scheduler;
  private WebhookServer server;

  public WebhookLauncher(KubernetesClient client, StagecredConfig config, MeterRegistry registry) {
    this.client = client;
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
            client,
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
        client.resources(DeploymentCredential.class).inNamespace(namespace).withName(name).get());
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
