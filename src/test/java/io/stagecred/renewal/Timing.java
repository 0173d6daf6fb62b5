package io.stagecred.renewal;

import io.stagecred.config.StagecredConfig;
import java.time.Duration;

/** Renewal timing for tests, implemented inline: the documented defaults unless a test says. */
record Timing(
    Duration jitterMax,
    Duration retryInitial,
    Duration retryMax,
    Duration terminalRetry,
    Duration minInterval)
    implements StagecredConfig.Renewal {

  /** jitter ≤ 60s, retry 5s doubling to 5m, terminal 15m, 5s between scheduled passes. */
  static final Timing DEFAULTS =
      new Timing(
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          Duration.ofMinutes(5),
          Duration.ofMinutes(15),
          Duration.ofSeconds(5));
}
