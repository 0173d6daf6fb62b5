package io.stagecred.it;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.StageStatus;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** Reads what the operator wrote, waiting for it the way a user would poll kubectl. */
public final class OperatorTestSupport {

  public static final Duration TIMEOUT = Duration.ofSeconds(30);

  private OperatorTestSupport() {}

  public static DeploymentCredential get(KubernetesClient client, String ns, String name) {
    return client.resources(DeploymentCredential.class).inNamespace(ns).withName(name).get();
  }

  public static Optional<Condition> ready(DeploymentCredential dc) {
    if (dc == null || dc.getStatus() == null) {
      return Optional.empty();
    }
    return dc.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType()))
        .findFirst();
  }

  public static Optional<StageStatus> stage(DeploymentCredential dc, String stage) {
    if (dc == null || dc.getStatus() == null) {
      return Optional.empty();
    }
    return dc.getStatus().getStages().stream().filter(s -> stage.equals(s.getName())).findFirst();
  }

  /**
   * Waits until the Ready condition has {@code status} and {@code reason}; returns the resource.
   */
  public static DeploymentCredential awaitReady(
      KubernetesClient client, String ns, String name, String status, String reason) {
    return awaitResource(
        client,
        ns,
        name,
        dc ->
            ready(dc)
                    .filter(c -> status.equals(c.getStatus()) && reason.equals(c.getReason()))
                    .isPresent()
                && dc.getStatus().getObservedGeneration() != null
                && dc.getStatus().getObservedGeneration().equals(dc.getMetadata().getGeneration()));
  }

  public static DeploymentCredential awaitResource(
      KubernetesClient client, String ns, String name, Predicate<DeploymentCredential> test) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(() -> get(client, ns, name), dc -> dc != null && test.test(dc));
  }

  /**
   * Waits until Secret {@code ns/name} passes {@code test}; returns it. A timeout names the Secret,
   * never its data (Awaitility would otherwise print the last value it saw, credentials and all).
   */
  public static Secret awaitSecret(
      KubernetesClient client, String ns, String name, Predicate<Secret> test) {
    AtomicReference<Secret> seen = new AtomicReference<>();
    await("Secret " + ns + "/" + name)
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              Secret s = client.secrets().inNamespace(ns).withName(name).get();
              seen.set(s);
              return s != null && test.test(s);
            });
    return seen.get();
  }

  public static List<Event> events(KubernetesClient client, String ns) {
    return client.v1().events().inNamespace(ns).list().getItems();
  }

  public static List<Event> awaitEvent(KubernetesClient client, String ns, String reason) {
    return await()
        .atMost(TIMEOUT)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> events(client, ns),
            list -> list.stream().anyMatch(e -> reason.equals(e.getReason())));
  }
}
