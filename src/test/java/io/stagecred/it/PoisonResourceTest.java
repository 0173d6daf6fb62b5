package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static io.stagecred.it.OperatorTestSupport.ready;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.DeploymentCredential;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A resource the Java model cannot read (stored while a permissive schema was installed: an older
 * CRD, a schema bypass, a future field) is one tenant's problem: it gets InvalidSpec naming the
 * field, the operator stays healthy and goes on serving everyone else. The real API server prunes
 * and type-checks against the installed schema, so the test installs a permissive one for a moment.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class PoisonResourceTest {

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;
  @Inject Operator operator;

  @Test
  void aResourceTheModelCannotReadIsAnsweredAndTheOthersAreServed() {
    String ns = Fixtures.trustedNamespace(client, world, "poison", DEV_ROLE);
    PoisonResources.create(client, world, ns, "poison", DEV_ROLE);

    DeploymentCredential answered = awaitReady(client, ns, "poison", "False", "InvalidSpec");
    assertThat(ready(answered).orElseThrow().getMessage())
        .contains("spec.stages[0].durationSeconds")
        .doesNotContain("abc");
    // A hundred resources next to it are all served.
    for (int i = 0; i < 100; i++) {
      client
          .resource(Fixtures.resource(ns, "app-" + i, "deployer", Fixtures.stage("dev", DEV_ROLE)))
          .create();
    }
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .resources(DeploymentCredential.class)
                            .inNamespace(ns)
                            .list()
                            .getItems())
                    .filteredOn(dc -> !"poison".equals(dc.getMetadata().getName()))
                    .hasSize(100)
                    .allSatisfy(
                        dc -> assertThat(ready(dc).map(c -> c.getStatus())).contains("True")));
    assertThat(operator.getRuntimeInfo().allEventSourcesAreHealthy())
        .as("the informers keep watching")
        .isTrue();
    assertThat(client.secrets().inNamespace(ns).withName("poison-dev").get()).isNull();
  }
}
