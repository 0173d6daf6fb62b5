package io.stagecred.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 corners the StsClient never exercises (GET with a query, odd paths, whitespace in headers,
 * x-amz-content-sha256), checked against requests signed by the SDK's own AwsV4HttpSigner.
 */
class SigV4VerifierTest {
  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

  @Test
  void acceptsAGetWithQueryParametersAnEncodedPathAndMessyHeaders() {
    SdkHttpRequest request =
        SdkHttpRequest.builder()
            .method(SdkHttpMethod.GET)
            .uri(URI.create("http://127.0.0.1:4566/a%20b/./c/"))
            .putRawQueryParameter("Version", "2011-06-15")
            .putRawQueryParameter("Action", "GetCallerIdentity")
            .putRawQueryParameter("Note", "a b+c/d~e*f")
            .putHeader("X-Custom", "  spaced    out  value ")
            .build();

    assertVerifies(sign(request, "", "sts"), "");
  }

  @Test
  void acceptsAPostWithAMatchingContentSha256AndRejectsAnAlteredBody() {
    String body = "Action=GetCallerIdentity&Version=2011-06-15";
    SdkHttpRequest request =
        post()
            .putHeader(
                "x-amz-content-sha256",
                HexFormat.of().formatHex(Ids.sha256(body.getBytes(StandardCharsets.UTF_8))))
            .build();
    SdkHttpRequest signed = sign(request, body, "sts");

    assertVerifies(signed, body);
    assertThat(failure(signed, body + "&x=1", NOW).getMessage()).contains("x-amz-content-sha256");
  }

  @Test
  void rejectsAnAlteredBodyOrHeader() {
    String body = "Action=GetCallerIdentity&Version=2011-06-15";
    SdkHttpRequest signed = sign(post().build(), body, "sts");

    assertThat(failure(signed, body.replace("GetCallerIdentity", "AssumeRole"), NOW).code)
        .isEqualTo("SignatureDoesNotMatch");
    SdkHttpRequest otherHost = signed.toBuilder().putHeader("Host", "127.0.0.1:9999").build();
    assertThat(failure(otherHost, body, NOW).code).isEqualTo("SignatureDoesNotMatch");
  }

  @Test
  void rejectsAnotherServiceScopeAndSkewedDates() {
    String body = "Action=GetCallerIdentity";
    assertThat(failure(sign(post().build(), body, "iam"), body, NOW).getMessage())
        .contains("scoped to correct service");
    SdkHttpRequest signed = sign(post().build(), body, "sts");
    assertThat(failure(signed, body, NOW.plusSeconds(901)).getMessage())
        .startsWith("Signature expired");
    assertThat(failure(signed, body, NOW.minusSeconds(901)).getMessage())
        .startsWith("Signature not yet current");
    assertThatCode(() -> verify(signed, body, NOW.plusSeconds(900))).doesNotThrowAnyException();
  }

  @Test
  void malformedAuthorizationHeadersAreIncompleteSignatures() {
    for (String header :
        new String[] {
          "AWS AKIDEXAMPLE:signature",
          "AWS4-HMAC-SHA256 Credential=AKID/20260301/us-east-1/sts/aws4_request, Signature=abc",
          "AWS4-HMAC-SHA256 Credential=AKID/20260301/sts, SignedHeaders=host, Signature=abc"
        }) {
      SdkHttpRequest r = post().putHeader("Authorization", header).build();
      StsError e =
          catchThrowableOfType(StsError.class, () -> SigV4Verifier.parse(toVerifierRequest(r, "")));
      assertThat(e.code).as(header).isEqualTo("IncompleteSignature");
    }
  }

  @Test
  void canonicalQueryAndUriFollowTheSpec() {
    assertThat(SigV4Verifier.canonicalQuery("b=2&a=%7e&a=1&c")).isEqualTo("a=1&a=~&b=2&c=");
    assertThat(SigV4Verifier.canonicalQuery("x=a+b")).isEqualTo("x=a%2Bb");
    assertThat(SigV4Verifier.canonicalUri("")).isEqualTo("/");
    assertThat(SigV4Verifier.canonicalUri("/")).isEqualTo("/");
    assertThat(SigV4Verifier.canonicalUri("/a%20b/../c/")).isEqualTo("/c/");
    assertThat(SigV4Verifier.canonicalUri("/a%20b")).isEqualTo("/a%2520b");
  }

  private static SdkHttpRequest.Builder post() {
    return SdkHttpRequest.builder()
        .method(SdkHttpMethod.POST)
        .uri(URI.create("http://127.0.0.1:4566/"))
        .putHeader("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  }

  private static SdkHttpRequest sign(SdkHttpRequest request, String body, String service) {
    return AwsV4HttpSigner.create()
        .sign(
            r ->
                r.identity(AwsCredentialsIdentity.create("ASIAEXAMPLEEXAMPLE00", SECRET))
                    .request(request)
                    .payload(ContentStreamProvider.fromUtf8String(body))
                    .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, "eu-central-1")
                    .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(NOW, ZoneOffset.UTC)))
        .request();
  }

  private static void assertVerifies(SdkHttpRequest signed, String body) {
    assertThatCode(() -> verify(signed, body, NOW)).doesNotThrowAnyException();
  }

  private static StsError failure(SdkHttpRequest signed, String body, Instant now) {
    return catchThrowableOfType(StsError.class, () -> verify(signed, body, now));
  }

  private static void verify(SdkHttpRequest signed, String body, Instant now) {
    SigV4Verifier.Request r = toVerifierRequest(signed, body);
    SigV4Verifier.verify(r, SigV4Verifier.parse(r), SECRET, now);
  }

  /** What the HTTP server would hand the verifier for this request. */
  private static SigV4Verifier.Request toVerifierRequest(SdkHttpRequest r, String body) {
    return new SigV4Verifier.Request(
        r.method().name(),
        r.encodedPath(),
        r.encodedQueryParameters().orElse(null),
        name -> r.matchingHeaders(name).isEmpty() ? null : r.matchingHeaders(name),
        body.getBytes(StandardCharsets.UTF_8));
  }
}
