package io.stagecred.config;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * JOSDK's Micrometer metrics without its per-resource series. The Quarkus extension's default
 * collects about 78 series per resource (tagged with its name and namespace): 22 MB per scrape at a
 * thousand resources and a fifth of the heap each resource costs. These keep the reconciler's
 * totals (reconciliations, failures, retries, events), whose cardinality does not grow with the
 * number of resources.
 */
@Singleton
public class OperatorMetrics {

  @Produces
  @Singleton
  Metrics metrics(MeterRegistry registry) {
    return MicrometerMetrics.withoutPerResourceMetrics(registry);
  }
}
