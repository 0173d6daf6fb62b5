package io.stagecred.emulator;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads the AWS Signature Version 4 {@code Authorization} header of a request and checks it against
 * the secret of the emulator-issued access key it names, rebuilding the canonical request from
 * scratch.
 */
final class SigV4Verifier {
  static final String ALGORITHM = "AWS4-HMAC-SHA256";
  static final Duration MAX_SKEW = Duration.ofMinutes(15);
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern AUTH_PARAM = Pattern.compile("(\\w+)=([^,\\s]*)");
  private static final String SIGNATURE_MISMATCH =
      "The request signature we calculated does not match the signature you provided. Check your"
          + " AWS Secret Access Key and signing method. Consult the service documentation for"
          + " details.";

  /**
   * What the verifier needs from an HTTP request; {@code header} returns all values of a header.
   */
  record Request(
      String method,
      String rawPath,
      String rawQuery,
      Function<String, List<String>> header,
      byte[] body) {

    String first(String name) {
      List<String> v = header.apply(name);
      return v == null || v.isEmpty() ? null : v.get(0);
    }
  }

  /** The parts of an Authorization header. */
  record Authorization(
      String accessKeyId,
      String scopeDate,
      String region,
      String service,
      List<String> signedHeaders,
      String signature) {

    String scope() {
      return scopeDate + "/" + region + "/" + service + "/aws4_request";
    }
  }

  /** Whether the request carries SigV4 authentication at all (header or presigned query). */
  static boolean isSigned(Request r) {
    return r.first("Authorization") != null
        || (r.rawQuery() != null && r.rawQuery().contains("X-Amz-Algorithm="));
  }

  static Authorization parse(Request r) {
    String header = r.first("Authorization");
    if (header == null) {
      // presigned URLs carry the signature in the query; STS callers here never use them
      throw StsError.incompleteSignature(
          "Query-string (presigned) authentication is not supported");
    }
    header = header.trim();
    if (!header.startsWith(ALGORITHM + " ")) {
      int space = header.indexOf(' ');
      String alg = space < 0 ? header : header.substring(0, space);
      throw StsError.incompleteSignature("Unsupported AWS 'algorithm': '" + alg + "'");
    }
    Map<String, String> params = new TreeMap<>();
    Matcher m = AUTH_PARAM.matcher(header.substring(ALGORITHM.length()));
    while (m.find()) {
      params.put(m.group(1), m.group(2));
    }
    for (String required : List.of("Credential", "SignedHeaders", "Signature")) {
      if (!params.containsKey(required)) {
        throw StsError.incompleteSignature(
            "Authorization header requires '"
                + required
                + "' parameter. Authorization="
                + ALGORITHM);
      }
    }
    String[] scope = params.get("Credential").split("/", -1);
    if (scope.length != 5 || !"aws4_request".equals(scope[4]) || scope[0].isEmpty()) {
      throw StsError.incompleteSignature(
          "Credential should be of the form <access key"
              + " id>/<date>/<region>/<service>/aws4_request");
    }
    return new Authorization(
        scope[0],
        scope[1],
        scope[2],
        scope[3],
        List.of(params.get("SignedHeaders").split(";")),
        params.get("Signature"));
  }

  /**
   * Checks date, scope and signature of a request whose key and session token are already known to
   * be good. The caller checks expiry first, so an expired session is reported as such even on a
   * skewed clock.
   */
  static void verify(Request r, Authorization auth, String secretAccessKey, Instant now) {
    String amzDate = r.first("X-Amz-Date");
    if (amzDate == null) {
      throw StsError.incompleteSignature(
          "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
    Instant requestTime;
    try {
      requestTime = LocalDateTime.parse(amzDate.trim(), AMZ_DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw StsError.incompleteSignature(
          "X-Amz-Date must be in the ISO8601 basic format yyyyMMdd'T'HHmmss'Z'");
    }
    if (!amzDate.trim().startsWith(auth.scopeDate())) {
      throw StsError.signatureDoesNotMatch(
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
              + " HTTP: '"
              + auth.scopeDate()
              + "' != '"
              + amzDate.trim().substring(0, 8)
              + "', from '"
              + amzDate.trim()
              + "'.");
    }
    if (!"sts".equals(auth.service())) {
      throw StsError.signatureDoesNotMatch(
          "Credential should be scoped to correct service: 'sts'. ");
    }
    if (requestTime.isBefore(now.minus(MAX_SKEW))) {
      throw StsError.signatureDoesNotMatch(
          "Signature expired: "
              + amzDate.trim()
              + " is now earlier than "
              + AMZ_DATE.format(now.minus(MAX_SKEW))
              + " ("
              + AMZ_DATE.format(now)
              + " - 15 min.)");
    }
    if (requestTime.isAfter(now.plus(MAX_SKEW))) {
      throw StsError.signatureDoesNotMatch(
          "Signature not yet current: "
              + amzDate.trim()
              + " is still later than "
              + AMZ_DATE.format(now.plus(MAX_SKEW))
              + " ("
              + AMZ_DATE.format(now)
              + " + 15 min.)");
    }
    if (!auth.signedHeaders().contains("host")) {
      throw StsError.signatureDoesNotMatch(
          "'Host' must be a 'SignedHeader' in the AWS Authorization.");
    }

    String bodyHash = HEX.formatHex(Ids.sha256(r.body()));
    String declaredHash = r.first("X-Amz-Content-Sha256");
    if (declaredHash != null && !declaredHash.trim().equals(bodyHash)) {
      throw StsError.signatureDoesNotMatch(
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    String canonicalRequest =
        String.join(
            "\n",
            r.method(),
            canonicalUri(r.rawPath()),
            canonicalQuery(r.rawQuery()),
            canonicalHeaders(r, auth.signedHeaders()),
            String.join(";", auth.signedHeaders()),
            bodyHash);
    String stringToSign =
        String.join(
            "\n",
            ALGORITHM,
            amzDate.trim(),
            auth.scope(),
            HEX.formatHex(Ids.sha256(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
    byte[] key =
        hmac(("AWS4" + secretAccessKey).getBytes(StandardCharsets.UTF_8), auth.scopeDate());
    key = hmac(key, auth.region());
    key = hmac(key, auth.service());
    key = hmac(key, "aws4_request");
    byte[] expected = HEX.formatHex(hmac(key, stringToSign)).getBytes(StandardCharsets.US_ASCII);
    byte[] provided = auth.signature().getBytes(StandardCharsets.US_ASCII);
    // constant-time comparison, so response timing reveals nothing about the expected signature
    if (!MessageDigest.isEqual(expected, provided)) {
      throw StsError.signatureDoesNotMatch(SIGNATURE_MISMATCH);
    }
  }

  /**
   * Non-S3 services normalize the path and URI-encode it a second time (the SDK sends it encoded
   * once).
   */
  static String canonicalUri(String rawPath) {
    if (rawPath == null || rawPath.isEmpty()) {
      return "/";
    }
    String normalized = URI.create(rawPath).normalize().getRawPath();
    // split with limit -1 keeps the empty segments, so "/" and trailing slashes survive the round
    // trip
    return Arrays.stream(normalized.split("/", -1))
        .map(SigV4Verifier::uriEncode)
        .collect(Collectors.joining("/"));
  }

  /** Parameters sorted by encoded name then value, each name and value encoded exactly once. */
  static String canonicalQuery(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      if (!pair.isEmpty()) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair : pair.substring(0, eq);
        String value = eq < 0 ? "" : pair.substring(eq + 1);
        pairs.add(new String[] {uriEncode(percentDecode(name)), uriEncode(percentDecode(value))});
      }
    }
    pairs.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
    List<String> joined = new ArrayList<>();
    pairs.forEach(p -> joined.add(p[0] + "=" + p[1]));
    return String.join("&", joined);
  }

  /**
   * Each signed header as lowercase-name:value, values trimmed with inner runs of spaces collapsed.
   */
  private static String canonicalHeaders(Request r, List<String> signedHeaders) {
    StringBuilder sb = new StringBuilder();
    for (String name : signedHeaders) {
      List<String> values = r.header().apply(name);
      List<String> cleaned = new ArrayList<>();
      if (values != null) {
        values.forEach(v -> cleaned.add(v.trim().replaceAll("\\s+", " ")));
      }
      sb.append(name.toLowerCase(Locale.ROOT))
          .append(':')
          .append(String.join(",", cleaned))
          .append('\n');
    }
    return sb.toString();
  }

  /** RFC 3986 encoding as SigV4 defines it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
  static String uriEncode(String value) {
    StringBuilder sb = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~') {
        sb.append(c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return sb.toString();
  }

  /** Percent-decoding without form semantics: '+' stays '+' in a SigV4 query string. */
  static String percentDecode(String value) {
    return java.net.URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is mandatory in every JDK", e);
    }
  }
}
