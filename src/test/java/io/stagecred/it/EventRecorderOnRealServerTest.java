package io.stagecred.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.EventType;
import io.stagecred.api.Reason;
import io.stagecred.controlplane.ControlPlane;
import io.stagecred.operator.EventRecorder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Events on a real API server, as the operator's service account: a repeat is one update and no
 * read; a recorder that does not know the Event (a restarted operator) reads it once and bumps it;
 * an Event the API server dropped (its TTL) is created again. A {@code @QuarkusTest} of the
 * operator's world, so that RbacAuditTest sees the read it makes.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class EventRecorderOnRealServerTest {

  @InjectWorld World world;

  private ControlPlane kubernetes;
  private KubernetesClient admin;
  private KubernetesClient operator;
  private String namespace;
  private DeploymentCredential resource;

  @BeforeEach
  void setUp() {
    kubernetes = world.kubernetes();
    admin = world.admin();
    operator = WorldResource.operatorClient(world);
    namespace = Fixtures.namespace(admin, "events");
    // The recorder only reads the resource's identity; it need not exist for an Event to.
    resource =
        Fixtures.resource(namespace, "app", "deployer", Fixtures.stage("dev", Fixtures.DEV_ROLE));
    resource.getMetadata().setUid("0b5e1c5e-0000-4000-8000-000000000001");
  }

  @AfterEach
  void tearDown() {
    operator.close();
  }

  private List<Event> events() {
    return admin.v1().events().inNamespace(namespace).list().getItems();
  }

  /** The operator's requests on Events in the namespace, as "verb code". */
  private List<String> calls() {
    return kubernetes.audit().by(Installation.OPERATOR_USER).stream()
        .filter(e -> "events".equals(e.resource()) && namespace.equals(e.namespace()))
        .map(e -> e.verb() + " " + e.code())
        .toList();
  }

  private void awaitCalls(String... expected) {
    // The audit log is written as each request completes, a moment after the client's answer.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(calls()).containsExactly(expected));
  }

  @Test
  void aRepeatIsOneUpdateARestartReadsOnceAndADroppedEventIsCreatedAgain() {
    EventRecorder first =
        new EventRecorder(operator, Clock.systemUTC(), new EventRecorder.Memory(16));
    first.record(resource, EventType.Normal, Reason.CredentialsIssued, "stage dev: issued");
    first.record(resource, EventType.Normal, Reason.CredentialsIssued, "stage dev: issued");
    assertThat(events()).singleElement().extracting(Event::getCount).isEqualTo(2);
    awaitCalls("create 201", "update 200");

    EventRecorder restarted =
        new EventRecorder(operator, Clock.systemUTC(), new EventRecorder.Memory(16));
    restarted.record(resource, EventType.Normal, Reason.CredentialsIssued, "stage dev: issued");
    assertThat(events()).singleElement().extracting(Event::getCount).isEqualTo(3);
    awaitCalls("create 201", "update 200", "create 409", "get 200", "update 200");

    admin.v1().events().inNamespace(namespace).delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> events().isEmpty());
    first.record(resource, EventType.Normal, Reason.CredentialsIssued, "stage dev: issued");
    assertThat(events()).singleElement().extracting(Event::getCount).isEqualTo(1);
    awaitCalls(
        "create 201",
        "update 200",
        "create 409",
        "get 200",
        "update 200",
        "update 409", // an Event may be created by an update, so a stale version is a conflict
        "create 201");
  }
}
