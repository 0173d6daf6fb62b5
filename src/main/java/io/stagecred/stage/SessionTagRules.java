package io.stagecred.stage;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads one stage's sessionTags; adds a {@link Violation} for each tag STS would reject or
 * stagecred reserves.
 */
final class SessionTagRules {

  /** STS allows 50 session tags; stagecred always adds stagecred-namespace, -name and -stage. */
  static final int MAX_TAGS = 47;

  static final int MAX_KEY = 128;
  static final int MAX_VALUE = 256;
  private static final Pattern CHARSET = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
  private static final Pattern SIMPLE_KEY = Pattern.compile("[A-Za-z0-9_-]+");

  private SessionTagRules() {}

  static void validate(
      String at, Map<String, String> tags, boolean chained, String chainFix, List<Violation> out) {
    if (tags == null) {
      return;
    }
    if (!chained) {
      out.add(
          new Violation(
              at,
              "are passed only to a chained AssumeRole, and this resource does not chain; set"
                  + " identity.sourceRoleArn or remove sessionTags"));
      return;
    }
    if (tags.size() > MAX_TAGS) {
      out.add(
          new Violation(
              at,
              "has "
                  + tags.size()
                  + " tags but at most 47 are allowed (STS allows 50 per session and stagecred"
                  + " adds stagecred-namespace, stagecred-name and stagecred-stage); remove some"));
    }
    Map<String, String> seenLowerCase = new HashMap<>();
    // Sorted iteration keeps the violation order stable whatever map the deserializer built. A null
    // key
    // cannot come from YAML, but a programmatic spec could hold one; it is checked as an empty key.
    Map<String, String> sorted = new TreeMap<>();
    tags.forEach((k, v) -> sorted.put(k == null ? "" : k, v));
    for (Map.Entry<String, String> tag : sorted.entrySet()) {
      String key = tag.getKey();
      String value = tag.getValue();
      String field = field(at, key);
      if (key.isEmpty()
          || key.codePointCount(0, key.length()) > MAX_KEY
          || !CHARSET.matcher(key).matches()) {
        out.add(
            new Violation(
                field,
                "has a key that is not 1..128 characters of letters, digits, spaces and _.:/=+-@;"
                    + " rename it"));
        continue;
      }
      String lower = key.toLowerCase(Locale.ROOT);
      if (lower.startsWith("aws:") || lower.startsWith("stagecred-")) {
        out.add(
            new Violation(
                field,
                "uses a reserved prefix (aws: belongs to AWS, stagecred- to the tags stagecred sets"
                    + " itself); rename the key"));
      } else if (seenLowerCase.containsKey(lower)) {
        out.add(
            new Violation(
                field,
                "differs from the key '"
                    + seenLowerCase.get(lower)
                    + "' only in case; STS treats tag keys"
                    + " case-insensitively, so keep one of them"));
      } else {
        seenLowerCase.put(lower, key);
      }
      if (value == null) {
        out.add(
            new Violation(
                field, "has no value; give it a value or \"\" (quoted), or remove the tag"));
      } else if (value.codePointCount(0, value.length()) > MAX_VALUE
          || !CHARSET.matcher(value).matches()) {
        out.add(
            new Violation(
                field,
                "has a value that is not 0..256 characters of letters, digits, spaces and _.:/=+-@;"
                    + " change it"));
      }
    }
  }

  private static String field(String at, String key) {
    if (SIMPLE_KEY.matcher(key).matches()) {
      return at + "." + key;
    }
    String shown = key.length() > 40 ? key.substring(0, 40) + "..." : key;
    return at + "[\"" + shown.replaceAll("\\p{Cntrl}", "?").replace("\"", "\\\"") + "\"]";
  }
}
