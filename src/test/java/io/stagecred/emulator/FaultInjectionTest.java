package io.stagecred.emulator;

import static io.stagecred.emulator.StsAsserts.assertStsError;
import static io.stagecred.emulator.StsFixture.DEPLOYER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.RegionDisabledException;
import software.amazon.awssdk.services.sts.model.StsException;

class FaultInjectionTest {
  private static final String WEB = "AssumeRoleWithWebIdentity";

  private final StsFixture f = new StsFixture();

  @AfterEach
  void close() {
    f.close();
  }

  record Fault(String code, int status, String message) {
    @Override
    public String toString() {
      return code + "/" + status;
    }
  }

  static Stream<Fault> faults() {
    return Stream.of(
        new Fault("Throttling", 400, "Rate exceeded"),
        new Fault("InternalFailure", 500, "An internal error has occurred"),
        new Fault(
            "RegionDisabledException",
            403,
            "STS is not activated in this region for account:123456789012."),
        new Fault("AccessDenied", 403, "Injected <denial> & \"quotes\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("faults")
  void failNextAnswersTheInjectedErrorOnce(Fault fault) {
    f.sts.failNext(WEB, 1, fault.code(), fault.status(), fault.message());

    StsException e = assertStsError(() -> f.webIdentity("s1"), fault.code(), fault.status());

    // XML-escaped on the wire, so the SDK reads back exactly the injected message
    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo(fault.message());
    assertThat(e.awsErrorDetails().rawResponse().asUtf8String())
        .startsWith(
            "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>"
                + (fault.status() >= 500 ? "Receiver" : "Sender")
                + "</Type><Code>"
                + fault.code()
                + "</Code>");
    assertThat(f.sts.calls().get(0).outcome()).isEqualTo(fault.code());
    assertThat(f.webIdentity("s2").credentials()).isNotNull();
    assertThat(f.sts.count(WEB)).isEqualTo(2);
  }

  @Test
  void regionDisabledMapsToTheModeledException() {
    f.sts.failNext(WEB, 1, "RegionDisabledException", 403, "disabled");

    assertThat(catchThrowable(() -> f.webIdentity("s1")))
        .isInstanceOf(RegionDisabledException.class);
  }

  @Test
  void failNextCountsDownPerMatchingCall() {
    f.sts.failNext(WEB, 2, "Throttling", 400, "Rate exceeded");

    assertStsError(() -> f.webIdentity("s1"), "Throttling", 400);
    assertStsError(() -> f.webIdentity("s2"), "Throttling", 400);
    assertThat(f.webIdentity("s3").credentials()).isNotNull();
    assertThat(f.sts.count(WEB)).isEqualTo(3);
    assertThat(f.sts.calls())
        .extracting(Call::outcome)
        .containsExactly("Throttling", "Throttling", "OK");
  }

  @Test
  void faultsForOtherActionsDoNotApply() {
    f.sts.allowAssumeRole(StsFixture.STAGE_ROLE, DEPLOYER);
    f.sts.failNext("AssumeRole", 1, "Throttling", 400, "Rate exceeded");

    var creds = f.webIdentity("s1").credentials();
    assertThat(f.signedBy(creds).getCallerIdentity().arn()).endsWith("/s1");
    assertStsError(
        () ->
            f.signedBy(creds)
                .assumeRole(b -> b.roleArn(StsFixture.STAGE_ROLE).roleSessionName("hop")),
        "Throttling",
        400);
  }

  @Test
  void wildcardFaultHitsAnyAction() {
    var creds = f.webIdentity("s1").credentials();
    f.sts.failNext("*", 1, "InternalFailure", 500, "boom");

    assertStsError(() -> f.signedBy(creds).getCallerIdentity(), "InternalFailure", 500);
    assertThat(f.signedBy(creds).getCallerIdentity().arn()).endsWith("/s1");
  }

  @Test
  void dropNextClosesTheConnectionWithoutAnAnswer() {
    f.sts.dropNext(WEB, 1);

    Throwable thrown = catchThrowable(() -> f.webIdentity("s1"));

    assertThat(thrown).isInstanceOf(SdkClientException.class).isNotInstanceOf(StsException.class);
    assertThat(f.sts.calls()).extracting(Call::outcome).containsExactly("DROPPED");
    assertThat(f.webIdentity("s2").credentials()).isNotNull();
    assertThat(f.sts.count(WEB)).isEqualTo(2);
  }

  @Test
  void sdkDefaultRetriesRideOutTransientServerErrors() {
    f.sts.failNext(WEB, 2, "InternalFailure", 500, "transient");
    try (StsClient retrying =
        StsClient.builder()
            .endpointOverride(f.sts.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(UrlConnectionHttpClient.create())
            .build()) {

      var r =
          retrying.assumeRoleWithWebIdentity(
              b -> b.roleArn(DEPLOYER).roleSessionName("retry").webIdentityToken(f.token()));

      assertThat(r.credentials()).isNotNull();
      assertThat(f.sts.calls())
          .extracting(Call::outcome)
          .containsExactly("InternalFailure", "InternalFailure", "OK");
    }
  }

  @Test
  void healEndsTheFaultsOfOneTargetAndKeepsTheOthers() {
    f.sts.allowAssumeRole(StsFixture.STAGE_ROLE, DEPLOYER);
    f.sts.failNext(WEB, 1000, "ServiceUnavailable", 503, "outage");
    f.sts.failNext("AssumeRole", 1, "Throttling", 400, "Rate exceeded");
    assertStsError(() -> f.webIdentity("s1"), "ServiceUnavailable", 503);

    f.sts.heal(WEB);

    var creds = f.webIdentity("s2").credentials();
    assertStsError(
        () ->
            f.signedBy(creds)
                .assumeRole(b -> b.roleArn(StsFixture.STAGE_ROLE).roleSessionName("hop")),
        "Throttling",
        400);
  }

  @Test
  void resetForgetsFaultsAndCallsButKeepsTrustAndCredentials() {
    var creds = f.webIdentity("s1").credentials();
    f.sts.failNext("*", 5, "Throttling", 400, "Rate exceeded");
    f.sts.dropNext("*", 5);

    f.sts.reset();

    assertThat(f.sts.calls()).isEmpty();
    assertThat(f.sts.count(WEB)).isZero();
    assertThat(f.webIdentity("s2").credentials()).isNotNull();
    assertThat(f.signedBy(creds).getCallerIdentity().arn()).endsWith("/s1");
    assertThat(f.sts.calls()).hasSize(2);
  }
}
