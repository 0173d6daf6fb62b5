package io.stagecred.sidecar;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of sidecar mode: UP once credentials are written and while they are valid, DOWN before
 * the first write and after they expire. Enabled only in sidecar mode (see application.properties),
 * so a native sidecar's startup probe holds the deploy container back.
 */
@Readiness
@ApplicationScoped
public class SidecarReadiness implements HealthCheck {

  private final SidecarMode sidecar;
  private final Clock clock;

  public SidecarReadiness(SidecarMode sidecar, Clock clock) {
    this.sidecar = sidecar;
    this.clock = clock;
  }

  @Override
  public HealthCheckResponse call() {
    CredentialState state = sidecar.state();
    HealthCheckResponseBuilder response =
        HealthCheckResponse.named("stagecred-sidecar").status(state.validAt(clock.instant()));
    state
        .current()
        .ifPresentOrElse(
            c ->
                response
                    .withData("expiration", c.expiration().toString())
                    .withData("renewal", c.renewalTime().toString()),
            () -> response.withData("credentials", "none written yet"));
    return response.build();
  }
}
