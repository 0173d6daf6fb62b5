package io.stagecred.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.stagecred.controlplane.AuditLog;
import io.stagecred.controlplane.ControlPlane;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The operator's ClusterRole in deploy/rbac.yaml grants exactly what the operator calls: read from
 * the API server's audit log after every operator test has run as the operator's service account (a
 * {@code @QuarkusTest}, so that it sees the control plane those tests used), no request of the
 * operator was refused (but while the API server restarted: it refuses everyone until its RBAC
 * caches are filled), and every granted verb on every granted resource was used.
 */
@QuarkusTest
@WithTestResource(WorldResource.class)
@Order(TestOrder.RBAC_AUDIT)
class RbacAuditTest {

  @InjectWorld World world;

  /** {@code apiGroup resource verb}, as both a ClusterRole rule and an audit entry describe it. */
  private static String permission(String group, String resource, String verb) {
    return (group.isEmpty() ? "core" : group) + " " + resource + " " + verb;
  }

  @Test
  void theClusterRoleGrantsExactlyWhatTheOperatorUses() throws IOException {
    Set<String> granted = granted(Path.of("deploy/rbac.yaml"));
    List<AuditLog.Entry> requests =
        world.kubernetes().audit().by(Installation.OPERATOR_USER).stream()
            .filter(e -> !e.resource().isEmpty()) // discovery (/api, /version) is open to all
            .toList();
    List<ControlPlane.Restart> restarts = world.kubernetes().restarts();
    assertThat(requests)
        .as("the operator tests ran as the operator's service account")
        .isNotEmpty();

    assertThat(requests)
        .as("requests the API server refused (403)")
        .filteredOn(e -> e.code() == 403)
        .filteredOn(e -> restarts.stream().noneMatch(r -> r.covers(e.received())))
        .isEmpty();
    Set<String> used = new TreeSet<>();
    requests.forEach(e -> used.add(permission(e.apiGroup(), e.rbacResource(), e.verb())));
    assertThat(used).as("everything the operator called is granted").isSubsetOf(granted);
    assertThat(granted).as("everything granted is used by the operator").isSubsetOf(used);
  }

  private static Set<String> granted(Path rbac) throws IOException {
    Set<String> out = new TreeSet<>();
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    for (JsonNode doc :
        yaml.readerFor(JsonNode.class).<JsonNode>readValues(rbac.toFile()).readAll()) {
      if (!"ClusterRole".equals(doc.path("kind").asText())) {
        continue;
      }
      for (JsonNode rule : doc.path("rules")) {
        for (JsonNode group : rule.path("apiGroups")) {
          for (JsonNode resource : rule.path("resources")) {
            for (JsonNode verb : rule.path("verbs")) {
              out.add(permission(group.asText(), resource.asText(), verb.asText()));
            }
          }
        }
      }
    }
    return out;
  }
}
