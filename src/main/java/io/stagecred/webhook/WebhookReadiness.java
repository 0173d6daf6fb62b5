package io.stagecred.webhook;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the webhook in operator mode: DOWN until it serves a certificate, so that its
 * Service sends admissions only to instances that can answer them. UP where it does not run
 * (disabled, demo mode). Off in sidecar mode (application.properties).
 */
@Readiness
@ApplicationScoped
public class WebhookReadiness implements HealthCheck {

  private final WebhookLauncher webhook;

  public WebhookReadiness(WebhookLauncher webhook) {
    this.webhook = webhook;
  }

  @Override
  public HealthCheckResponse call() {
    return switch (webhook.state()) {
      case OFF ->
          HealthCheckResponse.named("stagecred-webhook")
              .up()
              .withData("webhook", "not run")
              .build();
      case SERVING -> HealthCheckResponse.named("stagecred-webhook").up().build();
      case WAITING ->
          HealthCheckResponse.named("stagecred-webhook")
              .down()
              .withData("webhook", "no serving certificate yet")
              .build();
    };
  }
}
