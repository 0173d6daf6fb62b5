package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.dependent.RecentOperationCacheFiller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.net.HttpURLConnection;

/**
 * The one writer of managed Secrets: creates a stage's Secret, or updates it with optimistic
 * locking ({@code resourceVersion}) after laying stagecred's part over what is there (see {@link
 * ManagedSecrets#merged}), so that labels and annotations other tools add survive. When another
 * writer got there first (HTTP 409) it reads the Secret again and retries with the same desired
 * content, a few times, instead of throwing away credentials it has just been issued; when the name
 * turns out to be someone else's Secret, it throws {@link SecretTakenException}. Each write goes
 * into the informer's cache at once, so the next pass reads it (not a stale copy) and the
 * informer's echo of it does not start another pass.
 */
final class SecretWriter {

  static final int ATTEMPTS = 4;

  private final KubernetesClient client;
  private final RecentOperationCacheFiller<Secret> cache;

  SecretWriter(KubernetesClient client, RecentOperationCacheFiller<Secret> cache) {
    this.client = client;
    this.cache = cache;
  }

  /** Writes {@code desired}; {@code existing} is the Secret as last read, or null if none. */
  Secret write(Secret desired, Secret existing, String ownerUid) {
    String namespace = desired.getMetadata().getNamespace();
    Secret current = existing;
    for (int attempt = 1; ; attempt++) {
      try {
        if (current == null) {
          Secret created = client.secrets().inNamespace(namespace).resource(desired).create();
          cache.handleRecentResourceCreate(ResourceID.fromResource(created), created);
          return created;
        }
        Secret updated =
            client
                .secrets()
                .inNamespace(namespace)
                .resource(ManagedSecrets.merged(current, desired))
                .update();
        cache.handleRecentResourceUpdate(ResourceID.fromResource(updated), updated, current);
        return updated;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt == ATTEMPTS) {
          throw e;
        }
        current =
            client.secrets().inNamespace(namespace).withName(desired.getMetadata().getName()).get();
        if (current != null && !ManagedSecrets.ownedBy(current, ownerUid)) {
          throw new SecretTakenException(current);
        }
      }
    }
  }
}
