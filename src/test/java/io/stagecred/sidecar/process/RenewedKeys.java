package io.stagecred.sidecar.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagecred.emulator.Call;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What a deploy process printed about the credentials it used, checked against the emulator. */
final class RenewedKeys {

  private RenewedKeys() {}

  /**
   * Each route's "<route> OK <access key id> ..." lines name at least 3 distinct keys, and the
   * emulator verified a GetCallerIdentity signed with each of them.
   */
  static void assertEveryRouteRenewedAndVerified(
      String out, List<String> routes, List<Call> calls) {
    for (String route : routes) {
      Set<String> keys =
          out.lines()
              .filter(l -> l.startsWith(route + " OK "))
              .map(l -> l.split(" ")[2])
              .collect(Collectors.toCollection(LinkedHashSet::new));
      assertThat(keys)
          .as("distinct access key ids used via %s", route)
          .hasSizeGreaterThanOrEqualTo(3);
      for (String key : keys) {
        assertThat(calls)
            .as("the emulator verified a GetCallerIdentity signed with %s via %s", key, route)
            .anyMatch(
                c ->
                    c.action().equals("GetCallerIdentity")
                        && key.equals(c.accessKeyIdUsed())
                        && c.ok());
      }
    }
  }
}
