package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;

/**
 * Writes a stage's Secret to the API server: creates it, or updates it with optimistic locking
 * ({@code resourceVersion}) after laying stagecred's part over what is there (see {@link
 * ManagedSecrets#merged}), so that labels and annotations other tools add survive. When another
 * writer got there first (HTTP 409), it reads the Secret again and retries, a few times, instead of
 * throwing away credentials it has just been issued.
 */
final class SecretWriter {

  static final int ATTEMPTS = 4;

  private final KubernetesClient client;

  SecretWriter(KubernetesClient client) {
    this.client = client;
  }

  /** Writes {@code desired}; {@code existing} is the Secret as last read, or null if none. */
  Secret write(Secret desired, Secret existing, String ownerUid) {
    String namespace = desired.getMetadata().getNamespace();
    Secret current = existing;
    for (int attempt = 1; ; attempt++) {
      try {
        if (current == null) {
          return client.secrets().inNamespace(namespace).resource(desired).create();
        }
        return client
            .secrets()
            .inNamespace(namespace)
            .resource(ManagedSecrets.merged(current, desired))
            .update();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
        current =
            client.secrets().inNamespace(namespace).withName(desired.getMetadata().getName()).get();
        if (current != null && !ManagedSecrets.ownedBy(current, ownerUid)) {
          // Someone else's Secret now has the name: the next reconciliation reports the conflict.
          throw e;
        }
      }
    }
  }
}
