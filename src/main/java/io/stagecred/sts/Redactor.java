package io.stagecred.sts;

import java.util.regex.Pattern;

/**
 * Reads any text (typically an STS or SDK error message); returns it with JWTs, access key ids and
 * long base64 runs (secret keys, session tokens) masked, so it can go into status, events and logs.
 */
public final class Redactor {

  /** Three dot-separated base64url parts whose first starts like a JSON object ("{\"" = eyJ). */
  private static final Pattern JWT =
      Pattern.compile("eyJ[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

  private static final Pattern ACCESS_KEY_ID = Pattern.compile("(?:AKIA|ASIA)[A-Z0-9]{16}");

  /**
   * 40 or more base64 characters: a secret access key is exactly 40, session tokens are far longer.
   * This can also mask a very long slash-separated IAM path; losing that is the price of never
   * leaking a key.
   */
  private static final Pattern LONG_BASE64 = Pattern.compile("[A-Za-z0-9+/]{40,}={0,2}");

  public static final String JWT_MASK = "<redacted-jwt>";
  public static final String ACCESS_KEY_ID_MASK = "<redacted-access-key-id>";
  public static final String SECRET_MASK = "<redacted>";

  private Redactor() {}

  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    // JWTs first: their parts are separated by dots and each part alone may be shorter than 40.
    String out = JWT.matcher(text).replaceAll(JWT_MASK);
    out = ACCESS_KEY_ID.matcher(out).replaceAll(ACCESS_KEY_ID_MASK);
    return LONG_BASE64.matcher(out).replaceAll(SECRET_MASK);
  }
}
