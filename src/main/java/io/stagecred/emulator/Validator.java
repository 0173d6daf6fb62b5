package io.stagecred.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Collects request parameter problems and writes them as one STS ValidationError message: "N
 * validation error(s) detected: Value 'x' at 'field' failed to satisfy constraint: ...; ...".
 */
final class Validator {
  static final String NAME_PATTERN = "[\\w+=,.@-]*";
  static final String TAG_PATTERN = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";
  static final String EXTERNAL_ID_PATTERN = "[\\w+=,.@:\\/-]*";

  private final List<String> problems = new ArrayList<>();

  /** Role session names and source identities share the same rule: 2..64 of [\w+=,.@-]. */
  Validator name(String field, String value, boolean required) {
    if (value == null) {
      return required ? fail(field, null, "Member must not be null") : this;
    }
    length(field, value, 2, 64, false);
    return pattern(field, value, NAME_PATTERN, false);
  }

  Validator notNull(String field, Object value) {
    return value == null ? fail(field, null, "Member must not be null") : this;
  }

  /** {@code sensitive} values (tokens, external ids) are never echoed back. */
  Validator length(String field, String value, int min, int max, boolean sensitive) {
    if (value == null) {
      return this;
    }
    String shown = sensitive ? "***" : value;
    int n = value.codePointCount(0, value.length());
    if (n < min) {
      fail(field, shown, "Member must have length greater than or equal to " + min);
    } else if (n > max) {
      fail(
          field,
          sensitive ? "***" : "(" + n + " characters)",
          "Member must have length less than or equal to " + max);
    }
    return this;
  }

  Validator pattern(String field, String value, String regex, boolean sensitive) {
    if (value != null && !Pattern.compile(regex).matcher(value).matches()) {
      fail(
          field,
          sensitive ? "***" : value,
          "Member must satisfy regular expression pattern: " + regex);
    }
    return this;
  }

  Validator range(String field, Integer value, int min, int max) {
    if (value != null && value < min) {
      fail(field, value.toString(), "Member must have value greater than or equal to " + min);
    } else if (value != null && value > max) {
      fail(field, value.toString(), "Member must have value less than or equal to " + max);
    }
    return this;
  }

  Validator fail(String field, String shownValue, String constraint) {
    String value = shownValue == null ? "null" : "'" + shownValue + "'";
    problems.add(
        "Value " + value + " at '" + field + "' failed to satisfy constraint: " + constraint);
    return this;
  }

  void throwIfAny() {
    if (!problems.isEmpty()) {
      int n = problems.size();
      throw StsError.validation(
          n
              + " validation error"
              + (n == 1 ? "" : "s")
              + " detected: "
              + String.join("; ", problems));
    }
  }
}
