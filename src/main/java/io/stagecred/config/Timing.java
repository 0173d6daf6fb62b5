package io.stagecred.config;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
   * The documented defaults, also the {@code @WithDefault} values of {@link
   * StagecredConfig.Renewal}.
   */
  static final String JITTER_MAX = "60s";

  static final String RETRY_INITIAL = "5s";
  static final String RETRY_MAX = "5m";
  static final String TERMINAL_RETRY = "15m";
  static final String MIN_INTERVAL = "5s";

  /**
   * The timing of {@code raw}; a value that cannot be used is added to {@code problems} and
   * replaced by its documented default, so that callers that only need some timing (the operator's
   * beans, built before startup refuses to go on) always get one.
   */
  public static Timing from(StagecredConfig.Renewal raw, List<String> problems) {
    Duration jitterMax =
        checked(
            "jitter-max",
            raw.jitterMax(),
            JITTER_MAX,
            d -> d.isNegative() ? "zero or more" : null,
            problems);
    Duration retryInitial =
        checked("retry-initial", raw.retryInitial(), RETRY_INITIAL, Timing::positive, problems);
    Duration retryMax = checked("retry-max", raw.retryMax(), RETRY_MAX, Timing::positive, problems);
    Duration terminalRetry =
        checked("terminal-retry", raw.terminalRetry(), TERMINAL_RETRY, Timing::positive, problems);
    Duration minInterval =
        checked("min-interval", raw.minInterval(), MIN_INTERVAL, Timing::positive, problems);
    if (retryMax.compareTo(retryInitial) < 0) {
      problems.add(
          "STAGECRED_RENEWAL_RETRY_MAX (stagecred.renewal.retry-max) is shorter than"
              + " STAGECRED_RENEWAL_RETRY_INITIAL: the backoff grows from the first to the"
              + " largest wait, so raise retry-max or lower retry-initial");
    }
    return new Timing(jitterMax, retryInitial, retryMax, terminalRetry, minInterval);
  }

  /**
   * Reads the duration setting {@code named} (e.g. {@code STAGECRED_ONCE_TIMEOUT}): a number of
   * seconds or Quarkus's notation (90s, 5m, 1h); empty, with the problem added, when it is neither
   * or is negative.
   */
  public static Optional<Duration> nonNegative(String named, String raw, List<String> problems) {
    Optional<Duration> d = parsed(raw).filter(v -> !v.isNegative());
    if (d.isEmpty()) {
      problems.add(notADuration(named, raw));
    }
    return d;
  }

  /** {@code raw} read as a duration in Quarkus's notation, if it is one. */
  static Optional<Duration> parsed(String raw) {
    try {
      return Optional.of(DurationConverter.parseDuration(raw.trim()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static String notADuration(String named, String raw) {
    return named
        + "='"
        + printable(raw)
        + "' is not a duration: use a number of seconds or a value such as 90s, 5m or 1h";
  }

  private static String positive(Duration d) {
    return d.isNegative() || d.isZero()
        ? "longer than zero (a zero wait would call STS in a loop)"
        : null;
  }

  private static Duration checked(
      String key,
      String value,
      String fallback,
      Function<Duration, String> rule,
      List<String> problems) {
    String named =
        "STAGECRED_RENEWAL_"
            + key.toUpperCase(Locale.ROOT).replace('-', '_')
            + " (stagecred.renewal."
            + key
            + ")";
    Optional<Duration> d = parsed(value);
    if (d.isEmpty()) {
      problems.add(notADuration(named, value));
    }
    String wrong = d.map(rule).orElse(null);
    if (wrong != null) {
      problems.add(named + "=" + printable(value.trim()) + " must be " + wrong);
    }
    return d.isEmpty() || wrong != null ? DurationConverter.parseDuration(fallback) : d.get();
  }

  /** A value from the environment as it may appear in a message: short, no control characters. */
  static String printable(String value) {
    String v = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return v.replaceAll("\\p{Cntrl}", "?");
  }
}
