package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.EventType;
import io.stagecred.api.Reason;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import org.jboss.logging.Logger;

/**
 * Writes Kubernetes Events about a DeploymentCredential. Like client-go's recorder, a repeat of the
 * same reason and message bumps the count of the existing Event instead of adding another one.
 * Messages are built by the operator and never hold credential material.
 */
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final String COMPONENT = "stagecred-operator";

  private final KubernetesClient client;
  private final Clock clock;

  public EventRecorder(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  /** Records an event, or bumps the count of the same one recorded before. Never throws. */
  public void record(DeploymentCredential resource, EventType type, Reason reason, String message) {
    String namespace = resource.getMetadata().getNamespace();
    String name =
        Names.eventName(
            resource.getMetadata().getName(),
            StagePlan.hash(resource.getMetadata().getUid() + type + reason + message)
                .substring(0, 16));
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    try {
      var events = client.v1().events().inNamespace(namespace);
      Event existing = events.withName(name).get();
      if (existing != null) {
        existing.setCount(existing.getCount() == null ? 2 : existing.getCount() + 1);
        existing.setLastTimestamp(now);
        events.resource(existing).update();
      } else {
        events
            .resource(
                new EventBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .endMetadata()
                    .withInvolvedObject(
                        new ObjectReferenceBuilder()
                            .withApiVersion(resource.getApiVersion())
                            .withKind(resource.getKind())
                            .withName(resource.getMetadata().getName())
                            .withNamespace(namespace)
                            .withUid(resource.getMetadata().getUid())
                            .withResourceVersion(resource.getMetadata().getResourceVersion())
                            .build())
                    .withType(type.name())
                    .withReason(reason.name())
                    .withMessage(message)
                    .withCount(1)
                    .withFirstTimestamp(now)
                    .withLastTimestamp(now)
                    .withNewSource()
                    .withComponent(COMPONENT)
                    .endSource()
                    .withReportingComponent(COMPONENT)
                    .build())
            .create();
      }
    } catch (KubernetesClientException e) {
      // Events are best effort: losing one must never fail a reconciliation.
      LOG.debugf(
          "could not record event %s for %s/%s: HTTP %d", reason, namespace, name, e.getCode());
    }
  }
}
