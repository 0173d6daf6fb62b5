package io.stagecred.it;

import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.api.StageSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * What issuing costs the API server, counted in its audit log: per stage one STS call, one Secret
 * write and no Secret read; per resource one Event and one status write; tokens shared. A
 * regression (a read before each create, an Event per stage, a second status write) fails here
 * before it shows in bench/.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class ApiCallFloorTest {

  private static final int RESOURCES = 5;
  private static final List<String> STAGES = List.of("dev", "qa", "prod");

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  /** The operator's requests in {@code ns}, counted by "verb resource[/subresource]". */
  private Map<String, Long> calls(String ns) {
    return world.kubernetes().audit().by(Installation.OPERATOR_USER).stream()
        .filter(e -> ns.equals(e.namespace()))
        .collect(
            Collectors.groupingBy(
                e -> e.verb() + " " + e.rbacResource(), TreeMap::new, Collectors.counting()));
  }

  @Test
  void issuingCostsOneSecretWritePerStageAndOneStatusWritePerResource() {
    String role = "arn:aws:iam::111111111111:role/floor";
    String ns = Fixtures.trustedNamespace(client, world, "floor", role);
    for (int i = 0; i < RESOURCES; i++) {
      client
          .resource(
              Fixtures.resource(
                  ns,
                  "app-" + i,
                  "deployer",
                  STAGES.stream().map(s -> Fixtures.stage(s, role)).toArray(StageSpec[]::new)))
          .create();
    }
    for (int i = 0; i < RESOURCES; i++) {
      awaitReady(client, ns, "app-" + i, "True", "CredentialsIssued");
    }
    int stages = RESOURCES * STAGES.size();
    // Settled: passes the writes' own echoes start must write nothing more.
    await()
        .pollDelay(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(20))
        .until(() -> calls(ns), c -> c.equals(calls(ns)));
    Map<String, Long> calls = calls(ns);
    System.out.printf(
        "API calls for %d resources of %d stages: %s%n", RESOURCES, STAGES.size(), calls);

    assertThat(world.sts().countFor(role)).as("STS calls").isEqualTo(stages);
    assertThat(calls.get("create secrets")).as("Secret creates").isEqualTo((long) stages);
    assertThat(calls)
        .as("Secret reads and updates")
        .doesNotContainKeys("get secrets", "update secrets");
    assertThat(calls.get("update deploymentcredentials/status"))
        .as("status writes")
        .isEqualTo((long) RESOURCES);
    assertThat(calls.getOrDefault("create events", 0L) + calls.getOrDefault("update events", 0L))
        .as("Event writes: one per resource, for all its stages")
        .isEqualTo(RESOURCES);
    assertThat(calls).as("Event reads").doesNotContainKey("get events");
    assertThat(calls.get("create serviceaccounts/token"))
        .as("tokens: resources of one service account share one")
        .isEqualTo(1L);
    assertThat(calls.keySet())
        .as("nothing else")
        .isSubsetOf(
            "create secrets",
            "update deploymentcredentials/status",
            "create events",
            "update events",
            "create serviceaccounts/token");
  }
}
