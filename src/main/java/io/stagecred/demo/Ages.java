package io.stagecred.demo;

import java.time.Duration;
import java.time.Instant;

/**
 * Formats elapsed time the way kube-apiserver fills age cells of its tables: reads two instants,
 * returns text such as {@code 42s}, {@code 3m12s}, {@code 5h7m}, {@code 2d4h} or {@code <invalid>}
 * for a time more than a second in the future.
 */
final class Ages {

  private static final long MINUTE = 60;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long YEAR = 365 * DAY;

  private Ages() {}

  /** The age of {@code then} at {@code now}; {@code <unknown>} when there is no time. */
  static String since(Instant then, Instant now) {
    return then == null ? "<unknown>" : format(Duration.between(then, now));
  }

  /**
   * Coarser the older it gets, so a column stays short: two units while the smaller one still
   * matters, one unit after that.
   */
  static String format(Duration elapsed) {
    // Whole seconds, truncated towards zero; a clock a second ahead still counts as now.
    long s = elapsed.toMillis() / 1000;
    if (s < -1) {
      return "<invalid>";
    }
    if (s < 0) {
      return "0s";
    }
    if (s < 2 * MINUTE) {
      return s + "s";
    }
    if (s < 10 * MINUTE) {
      return twoUnits(s / MINUTE, "m", s % MINUTE, "s");
    }
    if (s < 3 * HOUR) {
      return s / MINUTE + "m";
    }
    if (s < 8 * HOUR) {
      return twoUnits(s / HOUR, "h", s % HOUR / MINUTE, "m");
    }
    if (s < 2 * DAY) {
      return s / HOUR + "h";
    }
    if (s < 8 * DAY) {
      return twoUnits(s / DAY, "d", s % DAY / HOUR, "h");
    }
    if (s < 2 * YEAR) {
      return s / DAY + "d";
    }
    if (s < 8 * YEAR) {
      return twoUnits(s / YEAR, "y", s % YEAR / DAY, "d");
    }
    return s / YEAR + "y";
  }

  private static String twoUnits(long big, String bigUnit, long small, String smallUnit) {
    return small == 0 ? big + bigUnit : big + bigUnit + small + smallUnit;
  }
}
