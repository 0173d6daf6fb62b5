package io.stagecred.renewal;

import io.stagecred.config.TestConfig;
import io.stagecred.config.Timing;
import java.util.ArrayList;
import java.util.Map;

/** The documented default timing, read through the configuration as the application reads it. */
final class Timings {

  /** jitter ≤ 60s, retry 5s doubling to 5m, terminal 15m, 5s between scheduled passes. */
  static final Timing DEFAULTS =
      Timing.from(TestConfig.fromEnv(Map.of()).renewal(), new ArrayList<>());

  private Timings() {}
}
