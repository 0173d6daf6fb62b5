package io.stagecred.emulator;

import static io.stagecred.emulator.StsAsserts.assertStsError;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** SigV4-authenticated calls (GetCallerIdentity here) with credentials the emulator issued. */
class SignedCallsTest {
  private final StsFixture f = new StsFixture(4);

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void getCallerIdentityReturnsTheAssumedRole() {
    AssumeRoleWithWebIdentityResponse web = f.webIdentity("who-am-i");

    GetCallerIdentityResponse id = f.signedBy(web.credentials()).getCallerIdentity();

    assertThat(id.arn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/deployer/who-am-i");
    assertThat(id.userId()).isEqualTo(web.assumedRoleUser().assumedRoleId());
    assertThat(id.account()).isEqualTo("123456789012");
    Call call = f.sts.calls().get(1);
    assertThat(call.action()).isEqualTo("GetCallerIdentity");
    assertThat(call.outcome()).isEqualTo("OK");
    assertThat(call.accessKeyIdUsed()).isEqualTo(web.credentials().accessKeyId());
    assertThat(call.subject()).isEqualTo(StsFixture.DEPLOYER);
  }

  @Test
  void tamperedSecretKeyFailsTheSignature() {
    Credentials c = f.webIdentity("s1").credentials();
    String secret = c.secretAccessKey();
    String tampered = secret.substring(0, 39) + (secret.charAt(39) == 'A' ? 'B' : 'A');

    var e =
        assertStsError(
            () -> f.signedBy(c.accessKeyId(), tampered, c.sessionToken()).getCallerIdentity(),
            "SignatureDoesNotMatch",
            403);

    assertThat(e.awsErrorDetails().errorMessage())
        .startsWith(
            "The request signature we calculated does not match the signature you provided.");
  }

  @Test
  void unknownAccessKeyIsAnInvalidClientTokenId() {
    f.webIdentity("s1");

    var e =
        assertStsError(
            () ->
                f.signedBy("ASIAAAAAAAAAAAAAAAAA", "x".repeat(40), "bogus-token")
                    .getCallerIdentity(),
            "InvalidClientTokenId",
            403);

    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("The security token included in the request is invalid.");
  }

  @Test
  void sessionTokenOfAnotherSessionIsRejected() {
    Credentials c1 = f.webIdentity("s1").credentials();
    Credentials c2 = f.webIdentity("s2").credentials();

    assertStsError(
        () ->
            f.signedBy(c1.accessKeyId(), c1.secretAccessKey(), c2.sessionToken())
                .getCallerIdentity(),
        "InvalidClientTokenId",
        403);
  }

  @Test
  void credentialsWorkUntilTheirExpirationAndThenAreExpired() {
    // 3600 s / divisor 4 = 900 s
    Credentials c = f.webIdentity("s1").credentials();
    assertThat(c.expiration()).isEqualTo(f.clock.instant().plusSeconds(900));

    f.clock.advance(Duration.ofSeconds(899));
    assertThat(f.signedBy(c).getCallerIdentity().arn()).endsWith("/s1");

    f.clock.advance(Duration.ofSeconds(1));
    var e = assertStsError(() -> f.signedBy(c).getCallerIdentity(), "ExpiredToken", 400);
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("The security token included in the request is expired");
  }

  @Test
  void expiryWinsOverClockSkewWhenTheClockMovesFarAhead() {
    Credentials c = f.webIdentity("s1").credentials();
    f.clock.advance(Duration.ofHours(3));

    assertStsError(() -> f.signedBy(c).getCallerIdentity(), "ExpiredToken", 400);
  }

  @Test
  void requestDateMoreThan15MinutesOffIsASignatureError() {
    f.sts.maxSessionDuration(StsFixture.DEPLOYER, 43200);
    Credentials c =
        f.anonymous()
            .assumeRoleWithWebIdentity(
                b ->
                    b.roleArn(StsFixture.DEPLOYER)
                        .roleSessionName("skew")
                        .durationSeconds(43200)
                        .webIdentityToken(f.token()))
            .credentials();
    f.clock.advance(Duration.ofMinutes(16));

    var behind =
        assertStsError(() -> f.signedBy(c).getCallerIdentity(), "SignatureDoesNotMatch", 403);
    assertThat(behind.awsErrorDetails().errorMessage()).startsWith("Signature expired: ");

    f.clock.advance(Duration.ofMinutes(-32));
    var ahead =
        assertStsError(() -> f.signedBy(c).getCallerIdentity(), "SignatureDoesNotMatch", 403);
    assertThat(ahead.awsErrorDetails().errorMessage()).startsWith("Signature not yet current: ");

    f.clock.advance(Duration.ofMinutes(16));
    assertThat(f.signedBy(c).getCallerIdentity().arn()).endsWith("/skew");
  }

  @Test
  void unsignedGetCallerIdentityIsMissingAuthentication() {
    var e =
        assertStsError(() -> f.anonymous().getCallerIdentity(), "MissingAuthenticationToken", 403);

    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("Request is missing Authentication Token");
  }
}
