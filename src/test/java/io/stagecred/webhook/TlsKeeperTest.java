package io.stagecred.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stagecred.emulator.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the certificate keeper reads and writes, on the mock API server (CRUD only: nothing here
 * depends on what a real server decides; InjectionTest runs it against one): the Secret it makes
 * and renews, the caBundle it publishes, and, when cert-manager keeps the Secret, nothing written.
 */
@EnableKubernetesMockClient(crud = true)
class TlsKeeperTest {

  static KubernetesClient client;

  private static final String NS = "stagecred-system";
  private static final TlsPlan.Policy POLICY =
      new TlsPlan.Policy(
          Duration.ofDays(365),
          Duration.ofDays(90),
          Duration.ofMinutes(2),
          List.of("stagecred-webhook.stagecred-system.svc"),
          List.of());

  private final MutableClock clock = new MutableClock();

  @BeforeEach
  void clean() {
    client.secrets().inNamespace(NS).delete();
    client.admissionRegistration().v1().mutatingWebhookConfigurations().delete();
  }

  private TlsKeeper keeper(boolean manage) {
    return new TlsKeeper(client, NS, "stagecred-webhook-tls", "stagecred", manage, POLICY, clock);
  }

  private static MutatingWebhookConfiguration configuration() {
    return new MutatingWebhookConfigurationBuilder()
        .withNewMetadata()
        .withName("stagecred")
        .endMetadata()
        .addNewWebhook()
        .withName("inject.stagecred.io")
        .withNewClientConfig()
        .withUrl("https://127.0.0.1:8443/mutate-pods")
        .endClientConfig()
        .endWebhook()
        .build();
  }

  private static Secret secret() {
    return client.secrets().inNamespace(NS).withName("stagecred-webhook-tls").get();
  }

  private static String caBundle() {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName("stagecred")
        .get()
        .getWebhooks()
        .get(0)
        .getClientConfig()
        .getCaBundle();
  }

  private static String decoded(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }

  @Test
  void theFirstCheckWritesTheSecretAndTheCaBundleAndServesTheCertificate() {
    client.resource(configuration()).create();

    Optional<TlsKeeper.Serving> serving = keeper(true).check();

    Secret secret = secret();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getMetadata().getLabels())
        .containsEntry("app.kubernetes.io/component", "webhook");
    assertThat(serving).isPresent();
    assertThat(decoded(secret.getData().get("tls.crt"))).isEqualTo(serving.get().certificate());
    String bundle = caBundle();
    assertThat(decoded(bundle)).isEqualTo(decoded(secret.getData().get("ca.crt")));
  }

  @Test
  void aLaterCheckKeepsWhatIsFreshAndRenewsWhatIsDue() {
    TlsKeeper keeper = keeper(true);
    TlsKeeper.Serving first = keeper.check().orElseThrow();
    String version = secret().getMetadata().getResourceVersion();

    clock.advance(Duration.ofDays(1));
    assertThat(keeper.check()).contains(first);
    assertThat(secret().getMetadata().getResourceVersion())
        .as("nothing written")
        .isEqualTo(version);

    clock.advance(Duration.ofDays(60));
    TlsKeeper.Serving renewed = keeper.check().orElseThrow();
    assertThat(renewed.certificate()).isNotEqualTo(first.certificate());
    assertThat(decoded(secret().getData().get("tls.crt"))).isEqualTo(renewed.certificate());
  }

  @Test
  void aDamagedSecretIsMadeAnew() {
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("stagecred-webhook-tls")
                .withNamespace(NS)
                .endMetadata()
                .withType("Opaque")
                .addToData("tls.crt", Base64.getEncoder().encodeToString("junk".getBytes()))
                .build())
        .create();
    assertThat(keeper(true).check()).isPresent();
    assertThat(TlsMaterial.from(secret())).isPresent();
    assertThat(secret().getType()).as("an existing Secret keeps its type").isEqualTo("Opaque");
  }

  @Test
  void whenAnotherToolKeepsTheSecretItIsOnlyServed() {
    assertThat(keeper(false).check()).as("nothing to serve yet").isEmpty();
    assertThat(secret()).as("nothing written").isNull();

    TlsMaterial issued = TlsPlan.next(Optional.empty(), POLICY, clock.instant());
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("stagecred-webhook-tls")
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", TlsMaterial.b64(issued.serving().certificate()))
                .addToData("tls.key", TlsMaterial.b64(issued.serving().key()))
                .addToData("ca.crt", TlsMaterial.b64(issued.ca().certificate()))
                .build())
        .create();
    client.resource(configuration()).create();

    assertThat(keeper(false).check())
        .contains(new TlsKeeper.Serving(issued.serving().certificate(), issued.serving().key()));
    assertThat(secret().getData()).doesNotContainKey("ca.key");
    assertThat(caBundle())
        .as("cert-manager's CA injector writes the caBundle, not the operator")
        .isNull();
  }
}
