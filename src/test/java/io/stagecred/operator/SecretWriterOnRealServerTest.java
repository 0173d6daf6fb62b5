package io.stagecred.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.api.reconciler.dependent.RecentOperationCacheFiller;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.stagecred.controlplane.AuditLog;
import io.stagecred.controlplane.ControlPlane;
import io.stagecred.it.Fixtures;
import io.stagecred.it.Installation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The operator's Secret write path on a real API server, as the operator's service account: a stale
 * {@code resourceVersion} gets a 409 that the writer recovers from by reading again, keeping what
 * the other writer added; a Secret someone else owns is never overwritten.
 */
class SecretWriterOnRealServerTest {

  private static final Duration AUDIT_WAIT = Duration.ofSeconds(10);
  private static ControlPlane kubernetes;
  private static KubernetesClient admin;
  private static KubernetesClient operator;
  private static String namespace;
  private static ConfigMap owner;

  @BeforeAll
  static void setUp() {
    kubernetes = Installation.installed();
    admin = kubernetes.admin();
    operator = kubernetes.clientFor(Installation.NAMESPACE, Installation.SERVICE_ACCOUNT);
    namespace = Fixtures.namespace(admin, "writer");
    // Any existing object will do as the owner: one that exists keeps the garbage collector away.
    owner =
        admin
            .configMaps()
            .inNamespace(namespace)
            .resource(
                new ConfigMapBuilder().withNewMetadata().withName("owner").endMetadata().build())
            .create();
  }

  @AfterAll
  static void tearDown() {
    operator.close();
  }

  private static Secret desired(String name, String value) {
    return new SecretBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels(Names.MANAGED_BY, Names.MANAGED_BY_VALUE)
        .addToAnnotations(Names.ANN_DATA_HASH, "h-" + value)
        .addNewOwnerReference()
        .withApiVersion("v1")
        .withKind("ConfigMap")
        .withName(owner.getMetadata().getName())
        .withUid(owner.getMetadata().getUid())
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withType("Opaque")
        .withData(Map.of("k", Base64.getEncoder().encodeToString(value.getBytes())))
        .build();
  }

  private static List<Integer> operatorWrites(String verb, String name) {
    return kubernetes.audit().by(Installation.OPERATOR_USER).stream()
        .filter(e -> "secrets".equals(e.resource()) && namespace.equals(e.namespace()))
        .filter(e -> verb.equals(e.verb()) && name.equals(e.name()))
        .map(AuditLog.Entry::code)
        .toList();
  }

  /** What the writer put into the informer's cache: the resource versions it wrote. */
  private static final class RecordingCache implements RecentOperationCacheFiller<Secret> {
    final List<String> versions = new ArrayList<>();

    @Override
    public void handleRecentResourceCreate(ResourceID id, Secret created) {
      versions.add(created.getMetadata().getResourceVersion());
    }

    @Override
    public void handleRecentResourceUpdate(ResourceID id, Secret updated, Secret previous) {
      versions.add(updated.getMetadata().getResourceVersion());
    }
  }

  private final RecordingCache cache = new RecordingCache();

  @Test
  void aStaleResourceVersionIsRetriedAndKeepsWhatTheOtherWriterAdded() {
    SecretWriter writer = new SecretWriter(operator, cache);
    Secret first = writer.write(desired("stale", "one"), null, owner.getMetadata().getUid());
    admin
        .secrets()
        .inNamespace(namespace)
        .withName("stale")
        .edit(
            s -> {
              s.getMetadata().getLabels().put("backup.example.com/include", "true");
              return s;
            });

    Secret second = writer.write(desired("stale", "two"), first, owner.getMetadata().getUid());

    assertThat(second.getData().get("k"))
        .isEqualTo(Base64.getEncoder().encodeToString("two".getBytes()));
    assertThat(second.getMetadata().getLabels())
        .containsEntry("backup.example.com/include", "true");
    assertThat(cache.versions)
        .as("each landed write goes into the informer's cache, the refused one does not")
        .containsExactly(
            first.getMetadata().getResourceVersion(), second.getMetadata().getResourceVersion());
    // The audit log is written as each request completes, a moment after the client has its answer.
    await()
        .atMost(AUDIT_WAIT)
        .untilAsserted(
            () ->
                assertThat(operatorWrites("update", "stale"))
                    .as("the first update met the other writer's change, the second landed")
                    .containsExactly(409, 200));
  }

  @Test
  void aSecretCreatedMeanwhileByTheOperatorItselfIsUpdated() {
    SecretWriter writer = new SecretWriter(operator, cache);
    writer.write(desired("raced", "one"), null, owner.getMetadata().getUid());

    // A reconciliation that had not seen that Secret yet (its cache lagging) creates it again.
    Secret again = writer.write(desired("raced", "two"), null, owner.getMetadata().getUid());

    assertThat(again.getData().get("k"))
        .isEqualTo(Base64.getEncoder().encodeToString("two".getBytes()));
    await()
        .atMost(AUDIT_WAIT)
        .untilAsserted(
            () -> assertThat(operatorWrites("create", "raced")).containsExactly(201, 409));
  }

  @Test
  void aSecretSomeoneElseOwnsIsNeverOverwritten() {
    admin
        .secrets()
        .inNamespace(namespace)
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("theirs")
                .endMetadata()
                .withStringData(Map.of("k", "theirs"))
                .build())
        .create();
    SecretWriter writer = new SecretWriter(operator, cache);

    // Written as a new stage's Secret is (no read first): the create's conflict names the owner.
    assertThatThrownBy(
            () -> writer.write(desired("theirs", "ours"), null, owner.getMetadata().getUid()))
        .isInstanceOfSatisfying(
            SecretTakenException.class,
            e -> assertThat(e.taken().getMetadata().getName()).isEqualTo("theirs"));
    assertThat(admin.secrets().inNamespace(namespace).withName("theirs").get().getData().get("k"))
        .isEqualTo(Base64.getEncoder().encodeToString("theirs".getBytes()));
  }
}
