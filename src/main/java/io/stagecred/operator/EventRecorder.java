package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.EventType;
import io.stagecred.api.Reason;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Writes Kubernetes Events about a DeploymentCredential. Like client-go's recorder, a repeat of the
 * same reason and message bumps the count of the existing Event instead of adding another one; the
 * Events it wrote are remembered ({@link Memory}), so a repeat is one update without a read.
 * Messages are built by the operator and never hold credential material.
 */
public class EventRecorder {

  private static final Logger LOG = Logger.getLogger(EventRecorder.class);
  private static final String COMPONENT = "stagecred-operator";

  /**
   * The Events written lately, by namespace and name, at most {@code capacity} (least recently used
   * go first). An entry that went stale (the API server's event TTL removed the Event, or another
   * writer changed it) costs one failed update, then a create or a read.
   */
  public static final class Memory {
    private final Map<String, Event> events;

    public Memory(int capacity) {
      this.events =
          new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
              return size() > capacity;
            }
          };
    }

    synchronized Event get(String key) {
      return events.get(key);
    }

    synchronized void put(String key, Event event) {
      events.put(key, event);
    }

    synchronized void forget(String key) {
      events.remove(key);
    }
  }

  private final KubernetesClient client;
  private final Clock clock;
  private final Memory memory;

  public EventRecorder(KubernetesClient client, Clock clock, Memory memory) {
    this.client = client;
    this.clock = clock;
    this.memory = memory;
  }

  /** Records an event, or bumps the count of the same one recorded before. Never throws. */
  public void record(DeploymentCredential resource, EventType type, Reason reason, String message) {
    String namespace = resource.getMetadata().getNamespace();
    String name =
        Names.eventName(
            resource.getMetadata().getName(),
            StagePlan.hash(resource.getMetadata().getUid() + type + reason + message)
                .substring(0, 16));
    String key = namespace + "/" + name;
    String now = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    var events = client.v1().events().inNamespace(namespace);
    try {
      Event known = memory.get(key);
      if (known != null) {
        try {
          memory.put(key, events.resource(bumped(known, now)).update());
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != HttpURLConnection.HTTP_NOT_FOUND
              && e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
            throw e;
          }
          memory.forget(key); // expired or changed by another writer: start again below
        }
      }
      try {
        memory.put(
            key,
            events.resource(fresh(resource, namespace, name, type, reason, message, now)).create());
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // Recorded before this process knew it (a restart, or forgotten): bump that one.
        Event existing = events.withName(name).get();
        if (existing != null) {
          memory.put(key, events.resource(bumped(existing, now)).update());
        }
      }
    } catch (KubernetesClientException e) {
      // Events are best effort: losing one must never fail a reconciliation.
      LOG.debugf(
          "could not record event %s for %s/%s: HTTP %d", reason, namespace, name, e.getCode());
    }
  }

  private static Event bumped(Event event, String now) {
    Event copy = new EventBuilder(event).build();
    copy.setCount(event.getCount() == null ? 2 : event.getCount() + 1);
    copy.setLastTimestamp(now);
    return copy;
  }

  private static Event fresh(
      DeploymentCredential resource,
      String namespace,
      String name,
      EventType type,
      Reason reason,
      String message,
      String now) {
    return new EventBuilder()
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
        .build();
  }
}
