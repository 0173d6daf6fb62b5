package io.stagecred.identity;

import java.util.List;
import java.util.regex.Pattern;

/** Shell-style globs ({@code *} matches any run of characters) used by allow-lists. */
public final class Globs {
  private Globs() {}

  /** Whether {@code value} matches {@code glob}; everything except {@code *} is literal. */
  public static boolean matches(String glob, String value) {
    StringBuilder regex = new StringBuilder();
    for (String part : glob.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.matches(regex.toString(), value);
  }

  /** Whether any glob in {@code globs} matches {@code value}. */
  public static boolean anyMatches(List<String> globs, String value) {
    return globs.stream().anyMatch(g -> matches(g.trim(), value));
  }
}
