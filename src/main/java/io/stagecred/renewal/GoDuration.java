package io.stagecred.renewal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and writes durations in Go's notation restricted to hours, minutes and seconds (1h30m, 20m,
 * 90s).
 */
final class GoDuration {

  private static final Pattern FORMAT =
      Pattern.compile("^(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?$");

  private GoDuration() {}

  static Duration parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(
          "a duration is required; use hours, minutes and seconds such as 20m, 1h30m or 90s");
    }
    Matcher m = FORMAT.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "'"
              + printable(text)
              + "' is not a duration; use hours, minutes and seconds such as 20m,"
              + " 1h30m or 90s (no spaces, fractions, days or other units)");
    }
    try {
      long seconds =
          Math.addExact(
              Math.addExact(
                  Math.multiplyExact(number(m.group(1)), 3600),
                  Math.multiplyExact(number(m.group(2)), 60)),
              number(m.group(3)));
      return Duration.ofSeconds(seconds);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("'" + printable(text) + "' is too long a duration");
    }
  }

  static String format(Duration d) {
    long s = d.getSeconds();
    if (d.isNegative()) {
      return "-" + format(d.negated());
    }
    if (s == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
    }
    if (s % 3600 >= 60) {
      out.append(s % 3600 / 60).append('m');
    }
    if (s % 60 != 0) {
      out.append(s % 60).append('s');
    }
    return out.toString();
  }

  private static long number(String digits) {
    return digits == null ? 0 : Long.parseLong(digits);
  }

  private static String printable(String text) {
    // The text comes from a user's spec; keep control characters out of log lines and status.
    String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
