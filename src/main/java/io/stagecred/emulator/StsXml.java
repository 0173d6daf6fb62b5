package io.stagecred.emulator;

import java.time.temporal.ChronoUnit;

/**
 * Writes the STS Query protocol XML documents: the three action responses and the error response.
 */
final class StsXml {
  static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

  private final StringBuilder sb = new StringBuilder(2048);

  private StsXml() {}

  static String assumeRoleWithWebIdentity(
      IssuedSession s, String subject, String provider, String audience, String requestId) {
    StsXml x =
        new StsXml()
            .open("AssumeRoleWithWebIdentityResponse", true)
            .open("AssumeRoleWithWebIdentityResult", false)
            .credentials(s)
            .element("SubjectFromWebIdentityToken", subject)
            .assumedRoleUser(s)
            .element("Provider", provider)
            .element("Audience", audience)
            .close("AssumeRoleWithWebIdentityResult");
    return x.metadata(requestId).close("AssumeRoleWithWebIdentityResponse").toString();
  }

  static String assumeRole(
      IssuedSession s, String sourceIdentity, int packedPolicySize, String requestId) {
    StsXml x =
        new StsXml()
            .open("AssumeRoleResponse", true)
            .open("AssumeRoleResult", false)
            .credentials(s)
            .assumedRoleUser(s);
    if (sourceIdentity != null) {
      x.element("SourceIdentity", sourceIdentity);
    }
    x.element("PackedPolicySize", Integer.toString(packedPolicySize)).close("AssumeRoleResult");
    return x.metadata(requestId).close("AssumeRoleResponse").toString();
  }

  static String getCallerIdentity(IssuedSession s, String requestId) {
    return new StsXml()
        .open("GetCallerIdentityResponse", true)
        .open("GetCallerIdentityResult", false)
        .element("Arn", s.assumedRoleArn())
        .element("UserId", s.userId())
        .element("Account", s.account())
        .close("GetCallerIdentityResult")
        .metadata(requestId)
        .close("GetCallerIdentityResponse")
        .toString();
  }

  /** STS errors put the RequestId beside Error, not inside a ResponseMetadata element. */
  static String error(StsError e, String requestId) {
    return new StsXml()
        .open("ErrorResponse", true)
        .open("Error", false)
        .element("Type", e.type())
        .element("Code", e.code)
        .element("Message", e.getMessage())
        .close("Error")
        .element("RequestId", requestId)
        .close("ErrorResponse")
        .toString();
  }

  private StsXml credentials(IssuedSession s) {
    return open("Credentials", false)
        .element("AccessKeyId", s.accessKeyId())
        .element("SecretAccessKey", s.secretAccessKey())
        .element("SessionToken", s.sessionToken())
        .element("Expiration", s.expiration().truncatedTo(ChronoUnit.SECONDS).toString())
        .close("Credentials");
  }

  private StsXml assumedRoleUser(IssuedSession s) {
    return open("AssumedRoleUser", false)
        .element("AssumedRoleId", s.userId())
        .element("Arn", s.assumedRoleArn())
        .close("AssumedRoleUser");
  }

  private StsXml metadata(String requestId) {
    return open("ResponseMetadata", false)
        .element("RequestId", requestId)
        .close("ResponseMetadata");
  }

  private StsXml open(String name, boolean root) {
    sb.append('<').append(name);
    if (root) {
      sb.append(" xmlns=\"").append(NAMESPACE).append('"');
    }
    sb.append('>');
    return this;
  }

  private StsXml close(String name) {
    sb.append("</").append(name).append('>');
    return this;
  }

  private StsXml element(String name, String value) {
    open(name, false);
    escape(value == null ? "" : value);
    return close(name);
  }

  /** Escapes markup characters and drops characters XML 1.0 cannot carry at all. */
  private void escape(String value) {
    value
        .codePoints()
        .forEach(
            c -> {
              switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&apos;");
                default -> {
                  boolean legal =
                      c == 0x9
                          || c == 0xA
                          || c == 0xD
                          || (c >= 0x20 && c <= 0xD7FF)
                          || (c >= 0xE000 && c <= 0xFFFD)
                          || c >= 0x10000;
                  if (legal) {
                    sb.appendCodePoint(c);
                  }
                }
              }
            });
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
