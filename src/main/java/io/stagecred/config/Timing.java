package io.stagecred.config;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * Renewal and retry timing, checked: reads the raw {@code stagecred.renewal.*} values (the same in
 * operator and sidecar mode) and returns them as durations, reporting each malformed or unusable
 * value by its variable and property name with the fix.
 */
public record Timing(
    Duration jitterMax,
    Duration retryInitial,
    Duration retryMax,
    Duration terminalRetry,
    Duration minInterval) {

  /**
   * The timing of {@code raw}; a value that cannot be used is added to {@code problems} and
   * replaced by its documented default, so that callers that only need some timing (the operator's
   * beans, built before startup refuses to go on) always get one.
   */
  public static Timing from(StagecredConfig.Renewal raw, List<String> problems) {
    Duration jitterMax =
        parse(
            "jitter-max",
            raw.jitterMax(),
            "60s",
            d -> d.isNegative() ? "zero or more" : null,
            problems);
    Duration retryInitial =
        parse("retry-initial", raw.retryInitial(), "5s", Timing::positive, problems);
    Duration retryMax = parse("retry-max", raw.retryMax(), "5m", Timing::positive, problems);
    Duration terminalRetry =
        parse("terminal-retry", raw.terminalRetry(), "15m", Timing::positive, problems);
    Duration minInterval =
        parse("min-interval", raw.minInterval(), "5s", Timing::positive, problems);
    if (retryMax.compareTo(retryInitial) < 0) {
      problems.add(
          "STAGECRED_RENEWAL_RETRY_MAX (stagecred.renewal.retry-max) is shorter than"
              + " STAGECRED_RENEWAL_RETRY_INITIAL: the backoff grows from the first to the"
              + " largest wait, so raise retry-max or lower retry-initial");
    }
    return new Timing(jitterMax, retryInitial, retryMax, terminalRetry, minInterval);
  }

  private static String positive(Duration d) {
    return d.isNegative() || d.isZero()
        ? "longer than zero (a zero wait would call STS in a loop)"
        : null;
  }

  private static Duration parse(
      String key,
      String value,
      String fallback,
      Function<Duration, String> rule,
      List<String> problems) {
    String named =
        "STAGECRED_RENEWAL_"
            + key.toUpperCase(java.util.Locale.ROOT).replace('-', '_')
            + " (stagecred.renewal."
            + key
            + ")";
    Duration d;
    try {
      d = DurationConverter.parseDuration(value.trim());
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null) {
      problems.add(
          named
              + "='"
              + value.replaceAll("\\p{Cntrl}", "?")
              + "' is not a duration: use a number of seconds or a value such as 90s, 5m or 1h");
      return DurationConverter.parseDuration(fallback);
    }
    String wrong = rule.apply(d);
    if (wrong != null) {
      problems.add(named + "=" + value.trim() + " must be " + wrong);
      return DurationConverter.parseDuration(fallback);
    }
    return d;
  }
}
