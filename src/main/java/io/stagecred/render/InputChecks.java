package io.stagecred.render;

import io.stagecred.api.Patterns;
import java.util.regex.Pattern;

/**
 * Reads one field name and value; returns nothing or throws an {@link IllegalArgumentException}
 * that names the field and never the value, since values may be secrets.
 */
final class InputChecks {

  private static final Pattern STAGE = Pattern.compile(Patterns.STAGE_NAME);
  private static final Pattern REGION = Pattern.compile(Patterns.REGION);
  private static final Pattern MOUNT_PATH = Pattern.compile(Patterns.ABSOLUTE_PATH);

  private InputChecks() {}

  static void requireStage(String stage) {
    // The stage becomes a section header ("[pr-42]") and part of env key names, so only the
    // concrete-stage alphabet is safe: no brackets, spaces, '=' or '*'.
    if (stage == null || !STAGE.matcher(stage).matches()) {
      throw new IllegalArgumentException(
          "stage must be a concrete stage name (lowercase letters, digits and '-', at most 63"
              + " characters, e.g. pr-42)");
    }
  }

  static void requireRegion(String region) {
    if (region == null || !REGION.matcher(region).matches()) {
      throw new IllegalArgumentException("region must be an AWS region name such as us-east-1");
    }
  }

  static void requireMountPath(String mountPath) {
    // The path is embedded unquoted in "credential_process = cat <path>/...", which AWS SDKs split
    // on
    // whitespace (and some run through a shell), so only a plain path alphabet is accepted.
    if (!MOUNT_PATH.matcher(mountPath).matches()) {
      throw new IllegalArgumentException(
          "mountPath must be an absolute path of letters, digits, '.', '_', '-' and '/' such as "
              + RenderInput.DEFAULT_MOUNT_PATH);
    }
  }

  static void requireIniValue(String field, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(field + " must not be empty");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      // A line break would end the INI entry and let the rest of the value become new keys or
      // sections; NUL truncates the value in C-based readers.
      if (c == '\r' || c == '\n' || c == '\0') {
        throw new IllegalArgumentException(
            field + " must not contain CR, LF or NUL characters (it would break the INI files)");
      }
    }
    // INI readers trim values, so surrounding whitespace would silently change the credential.
    if (Character.isWhitespace(value.charAt(0))
        || Character.isWhitespace(value.charAt(value.length() - 1))) {
      throw new IllegalArgumentException(
          field + " must not start or end with whitespace (INI readers would trim it)");
    }
  }
}
