package io.stagecred.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stagecred.config.ClientMapper;
import io.stagecred.controlplane.ControlPlane;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import io.stagecred.sidecar.process.SidecarProcess;
import io.stagecred.webhook.WebhookLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts the {@link World} before the application and points the operator at it: the Kubernetes
 * client at the real API server with a TokenRequest token of the operator's service account (so the
 * operator holds exactly what deploy/rbac.yaml grants), the STS client at the emulator, which
 * trusts the API server's service-account issuer through its discovery document, and the operator's
 * own identity at a token file signed by a second issuer the emulator trusts.
 */
public class WorldResource implements QuarkusTestResourceLifecycleManager {

  /**
   * Where tests may use the operator's own identity: namespaces op-* for roles op-* of one account,
   * namespaces opb-* for roles opb-* of another (and not for each other's).
   */
  public static final String OPERATOR_GRANTS =
      "op-*=arn:aws:iam::111111111111:role/op-*,opb-*=arn:aws:iam::222222222222:role/opb-*";

  public static final String OPERATOR_SUBJECT = Installation.OPERATOR_USER;

  private World world;

  @Override
  public Map<String, String> start() {
    ControlPlane kubernetes = Installation.installed();
    JwtIssuer issuer = new JwtIssuer();
    StsEmulator sts = StsEmulator.builder().trust(issuer).build();
    sts.start();
    sts.trustDiscovered(URI.create(kubernetes.issuer()), kubernetes.trust().sslContext());
    Path tokenFile;
    try {
      tokenFile = Files.createTempFile("stagecred-operator-token", ".jwt");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int webhookPort = SidecarProcess.freePort();
    world = new World(issuer, sts, kubernetes, tokenFile, webhookPort);
    writeOperatorToken(world, Duration.ofHours(24));
    callWebhookByUrl(kubernetes, webhookPort);
    Map<String, String> config = new LinkedHashMap<>();
    config.put("quarkus.kubernetes-client.api-server-url", kubernetes.url());
    config.put("quarkus.kubernetes-client.ca-cert-file", kubernetes.caFile().toString());
    config.put("quarkus.kubernetes-client.token", operatorApiToken(kubernetes));
    config.put("stagecred.sts.endpoint", sts.endpoint().toString());
    config.put("stagecred.operator-identity.token-file", tokenFile.toString());
    config.put("stagecred.operator-identity.grants", OPERATOR_GRANTS);
    // The webhook on loopback, its certificate naming 127.0.0.1, and short lifetimes so that the
    // serving certificate is renewed every 20 s and the CA about every minute and a quarter while
    // the tests run (InjectionTest watches both happen under load).
    config.put("stagecred.webhook.port", Integer.toString(webhookPort));
    config.put("stagecred.webhook.tls.ip-addresses", "127.0.0.1");
    config.put("stagecred.webhook.tls.ca-validity", WEBHOOK_CA_VALIDITY.toSeconds() + "s");
    config.put("stagecred.webhook.tls.certificate-validity", "30s");
    config.put("stagecred.webhook.tls.ca-overlap", "5s");
    config.put("stagecred.webhook.tls.check-interval", "1s");
    return config;
  }

  /** How long the webhook's CA lives in the tests. */
  public static final Duration WEBHOOK_CA_VALIDITY = Duration.ofSeconds(90);

  /**
   * Points deploy/webhook.yaml's MutatingWebhookConfiguration at the operator under test: this API
   * server has no Service network, so it calls the webhook by URL on loopback instead. Selectors,
   * failure policy and timeout stay as deploy/ ships them; the operator writes the caBundle.
   */
  private static void callWebhookByUrl(ControlPlane kubernetes, int port) {
    kubernetes
        .admin()
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName("stagecred")
        .edit(
            c -> {
              c.getWebhooks()
                  .forEach(
                      w -> {
                        w.getClientConfig().setService(null);
                        w.getClientConfig()
                            .setUrl("https://127.0.0.1:" + port + WebhookLauncher.PATH);
                      });
              return c;
            });
  }

  /** The operator's Kubernetes API token: its service account's, as a pod's projected token. */
  public static String operatorApiToken(ControlPlane kubernetes) {
    return kubernetes.token(
        Installation.NAMESPACE, Installation.SERVICE_ACCOUNT, null, Duration.ofHours(12));
  }

  /**
   * A new client acting as the operator's service account, with the JSON mapping the application
   * installs (ClientMapper); the caller closes it.
   */
  public static KubernetesClient operatorClient(World world) {
    ObjectMapper mapper = new ObjectMapper();
    new ClientMapper().customize(mapper);
    return world
        .kubernetes()
        .clientFor(
            Installation.NAMESPACE,
            Installation.SERVICE_ACCOUNT,
            new KubernetesSerialization(mapper, true));
  }

  /** Writes a fresh operator token valid for {@code lifetime} (negative: already expired). */
  public static void writeOperatorToken(World world, Duration lifetime) {
    Instant now = Instant.now();
    Instant issued = lifetime.isNegative() ? now.plus(lifetime).minus(Duration.ofHours(1)) : now;
    String token =
        world.issuer().mint(OPERATOR_SUBJECT, "sts.amazonaws.com", issued, now.plus(lifetime));
    try {
      Files.writeString(world.operatorTokenFile(), token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(
        world, new TestInjector.AnnotatedAndMatchesType(InjectWorld.class, World.class));
    testInjector.injectIntoFields(
        world.admin(),
        new TestInjector.AnnotatedAndMatchesType(InjectWorld.class, KubernetesClient.class));
  }

  @Override
  public void stop() {
    if (world != null) {
      SecretScan.recordWorld(world);
      world.sts().close();
      try {
        Files.deleteIfExists(world.operatorTokenFile());
      } catch (IOException e) {
        // a leftover temp file is harmless
      }
    }
  }
}
