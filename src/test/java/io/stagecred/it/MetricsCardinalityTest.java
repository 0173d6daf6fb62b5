package io.stagecred.it;

import static io.stagecred.it.Fixtures.DEV_ROLE;
import static io.stagecred.it.OperatorTestSupport.awaitReady;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The operator's /q/metrics does not grow with the number of resources: the framework's series
 * carry no resource name or namespace, so ten more resources add no series.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.OPERATOR)
class MetricsCardinalityTest {

  @InjectWorld KubernetesClient client;
  @InjectWorld World world;

  @TestHTTPResource("/q/metrics")
  URL metrics;

  private List<String> series() throws IOException, InterruptedException {
    String text =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(metrics.toString())).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    // The operator's own and the framework's series; the JVM's (a new GC cause, say) may come and
    // go on their own.
    return text.lines()
        .filter(l -> l.startsWith("operator_sdk_") || l.startsWith("stagecred_"))
        .toList();
  }

  private void readyResources(String ns, int from, int count) {
    for (int i = from; i < from + count; i++) {
      client
          .resource(Fixtures.resource(ns, "app-" + i, "deployer", Fixtures.stage("dev", DEV_ROLE)))
          .create();
    }
    for (int i = from; i < from + count; i++) {
      awaitReady(client, ns, "app-" + i, "True", "CredentialsIssued");
    }
  }

  @Test
  void moreResourcesAddNoSeries() throws Exception {
    String ns = Fixtures.trustedNamespace(client, world, "metrics", DEV_ROLE);
    readyResources(ns, 0, 2);
    List<String> before = series();
    assertThat(before)
        .as("the framework's reconciler series are exported")
        .anyMatch(l -> l.startsWith("operator_sdk_"));

    readyResources(ns, 2, 10);
    List<String> after = series();

    assertThat(after)
        .as("series naming a resource or its namespace")
        .noneMatch(l -> l.contains("\"" + ns + "\"") || l.contains("\"app-"));
    assertThat(after.stream().map(MetricsCardinalityTest::nameAndLabels).distinct().count())
        .as("distinct series after ten more resources")
        .isLessThanOrEqualTo(
            before.stream().map(MetricsCardinalityTest::nameAndLabels).distinct().count());
  }

  private static String nameAndLabels(String line) {
    int space = line.lastIndexOf(' ');
    return space < 0 ? line : line.substring(0, space);
  }
}
