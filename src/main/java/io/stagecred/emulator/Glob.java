package io.stagecred.emulator;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A trust-rule pattern where {@code *} matches any run of characters (including ':' and '/'). */
record Glob(String text, Pattern regex) {

  static Glob of(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("glob must not be empty");
    }
    // limit -1 keeps empty leading/trailing parts, so "a*" becomes quote("a") + ".*" + quote("")
    String re =
        Arrays.stream(text.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
    return new Glob(text, Pattern.compile(re, Pattern.DOTALL));
  }

  boolean matches(String value) {
    return value != null && regex.matcher(value).matches();
  }
}
