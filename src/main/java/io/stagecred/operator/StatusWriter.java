package io.stagecred.operator;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialStatus;

/**
 * Writes a DeploymentCredential's status when it changed: a whole-status update with optimistic
 * locking, retried on conflict by JOSDK's helper, which also caches the result so the next
 * reconciliation reads its own write. A whole-status update, unlike a JSON patch computed against a
 * cached copy, cannot fail on stale array indexes.
 */
final class StatusWriter {

  private StatusWriter() {}

  static void write(
      DeploymentCredential resource,
      Context<DeploymentCredential> context,
      DeploymentCredentialStatus status) {
    DeploymentCredentialStatus current = resource.getStatus();
    if (current != null && Serialization.asJson(current).equals(Serialization.asJson(status))) {
      return;
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        resource,
        context,
        latest -> {
          latest.setStatus(status);
          return latest;
        });
  }
}
