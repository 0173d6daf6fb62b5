package io.stagecred.webhook;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Keeps the webhook's TLS Secret and the caBundle of its MutatingWebhookConfiguration as {@link
 * TlsPlan} says, and returns what to serve. Several operator instances may run this at once: every
 * write names the resourceVersion it read, so a lost race is read again at the next check.
 */
final class TlsKeeper {

  private static final Logger LOG = Logger.getLogger(TlsKeeper.class);

  /** The serving certificate and key, PEM. */
  record Serving(String certificate, String key) {}

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final String configuration;
  private final boolean manage;
  private final TlsPlan.Policy policy;
  private final Clock clock;
  private boolean configurationMissingLogged;

  TlsKeeper(
      KubernetesClient client,
      String namespace,
      String secretName,
      String configuration,
      boolean manage,
      TlsPlan.Policy policy,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.configuration = configuration;
    this.manage = manage;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * One check: renew what is due, publish the CA bundle, and return the serving certificate (empty
   * while there is none, e.g. cert-manager has not written the Secret yet).
   */
  Optional<Serving> check() {
    Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
    if (!manage) {
      return served(secret);
    }
    Optional<TlsMaterial> current = TlsMaterial.from(secret);
    if (secret != null && current.isEmpty()) {
      LOG.warnf(
          "Secret %s/%s does not hold a complete webhook CA and certificate; making new ones",
          namespace, secretName);
    }
    TlsMaterial wanted = TlsPlan.next(current, policy, clock.instant());
    if (current.isEmpty() || wanted != current.get()) {
      Secret written = write(secret, wanted);
      if (written == null) {
        return served(client.secrets().inNamespace(namespace).withName(secretName).get());
      }
      describe(current, wanted);
    }
    publish(wanted.bundle());
    return Optional.of(new Serving(wanted.serving().certificate(), wanted.serving().key()));
  }

  private Optional<Serving> served(Secret secret) {
    if (secret == null || secret.getData() == null) {
      return Optional.empty();
    }
    String crt = secret.getData().get(TlsMaterial.TLS_CRT);
    String key = secret.getData().get(TlsMaterial.TLS_KEY);
    if (crt == null || key == null) {
      return Optional.empty();
    }
    return Optional.of(new Serving(decode(crt), decode(key)));
  }

  /** Writes {@code material}; null when another instance wrote first (read it again). */
  private Secret write(Secret existing, TlsMaterial material) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "stagecred");
    labels.put("app.kubernetes.io/component", "webhook");
    labels.put("app.kubernetes.io/part-of", "stagecred");
    SecretBuilder builder =
        existing == null
            ? new SecretBuilder()
                .withNewMetadata()
                .withName(secretName)
                .withNamespace(namespace)
                .endMetadata()
            : new SecretBuilder(existing);
    Map<String, String> annotations =
        new LinkedHashMap<>(
            Optional.ofNullable(existing)
                .map(s -> s.getMetadata().getAnnotations())
                .orElse(Map.of()));
    annotations.remove(TlsMaterial.NEXT_SINCE);
    annotations.putAll(material.annotations());
    Secret secret =
        builder
            .editMetadata()
            .addToLabels(labels)
            .withAnnotations(annotations)
            .endMetadata()
            // The type of an existing Secret cannot change; a new one is typed as TLS.
            .withType(existing == null ? "kubernetes.io/tls" : existing.getType())
            .withData(material.data())
            .withStringData(null)
            .build();
    try {
      return existing == null
          ? client.secrets().inNamespace(namespace).resource(secret).create()
          : client.secrets().inNamespace(namespace).resource(secret).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return null;
      }
      throw e;
    }
  }

  private void describe(Optional<TlsMaterial> before, TlsMaterial after) {
    String until = after.serving().parsed().getNotAfter().toInstant().toString();
    if (before.isEmpty()) {
      LOG.infof(
          "webhook: made a CA and a serving certificate (valid until %s) in Secret %s/%s",
          until, namespace, secretName);
    } else if (after.nextCa().isPresent() && before.get().nextCa().isEmpty()) {
      LOG.infof(
          "webhook: a next CA joined the trusted bundle; it signs after %s", policy.caOverlap());
    } else if (!Objects.equals(after.ca().certificate(), before.get().ca().certificate())) {
      LOG.infof("webhook: the next CA now signs; new serving certificate valid until %s", until);
    } else {
      LOG.infof("webhook: renewed the serving certificate, valid until %s", until);
    }
  }

  /** Writes {@code bundle} into every webhook of the configuration that lacks it. */
  private void publish(String bundle) {
    String encoded = Base64.getEncoder().encodeToString(bundle.getBytes(StandardCharsets.US_ASCII));
    MutatingWebhookConfiguration config =
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .withName(configuration)
            .get();
    if (config == null) {
      if (!configurationMissingLogged) {
        LOG.warnf(
            "MutatingWebhookConfiguration %s does not exist: the API server will not call the"
                + " webhook (apply deploy/webhook.yaml)",
            configuration);
        configurationMissingLogged = true;
      }
      return;
    }
    configurationMissingLogged = false;
    boolean stale =
        config.getWebhooks().stream()
            .anyMatch(w -> !encoded.equals(w.getClientConfig().getCaBundle()));
    if (stale) {
      for (MutatingWebhook webhook : config.getWebhooks()) {
        webhook.getClientConfig().setCaBundle(encoded);
      }
      try {
        client
            .admissionRegistration()
            .v1()
            .mutatingWebhookConfigurations()
            .resource(config)
            .update();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          return; // changed meanwhile: written at the next check
        }
        throw e;
      }
      LOG.infof("webhook: wrote the CA bundle into MutatingWebhookConfiguration %s", configuration);
    }
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
  }
}
