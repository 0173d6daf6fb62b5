package io.stagecred.sts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.api.Reason;
import io.stagecred.failure.Failure;
import io.stagecred.failure.InternalFailure;
import io.stagecred.failure.StsFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sts.model.ExpiredTokenException;
import software.amazon.awssdk.services.sts.model.IdpCommunicationErrorException;
import software.amazon.awssdk.services.sts.model.IdpRejectedClaimException;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;
import software.amazon.awssdk.services.sts.model.MalformedPolicyDocumentException;
import software.amazon.awssdk.services.sts.model.PackedPolicyTooLargeException;
import software.amazon.awssdk.services.sts.model.RegionDisabledException;
import software.amazon.awssdk.services.sts.model.StsException;

class StsErrorClassifierTest {

  static final String DEV_ROLE = "arn:aws:iam::111111111111:role/deploy-dev";
  static final String PROD_ROLE = "arn:aws:iam::222222222222:role/deploy-prod";
  static final String SOURCE_ROLE = "arn:aws:iam::111111111111:role/ci-base";
  static final String SUBJECT = "system:serviceaccount:ci:orders-deployer";
  static final CallContext WEB = CallContext.webIdentity(DEV_ROLE, SUBJECT);
  static final CallContext OPERATOR =
      CallContext.webIdentity(DEV_ROLE, CallContext.OPERATOR_IDENTITY);
  static final CallContext CHAINED = CallContext.assumeRole(PROD_ROLE, SOURCE_ROLE);

  static final String JWT =
      "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJl";
  static final String KEY_ID = "ASIAIOSFODNN7EXAMPLE";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

  /** Every exception below carries this text, as if STS had echoed what it was sent. */
  static final String LEAKY =
      "Request with token " + JWT + " and key " + KEY_ID + " secret " + SECRET + " failed.";

  static AwsErrorDetails details(String code) {
    return AwsErrorDetails.builder().errorCode(code).errorMessage(LEAKY).build();
  }

  static StsException sts(String code, int status) {
    return (StsException)
        StsException.builder()
            .awsErrorDetails(details(code))
            .statusCode(status)
            .requestId("req-1")
            .build();
  }

  static Arguments c(
      String scenario,
      Throwable t,
      CallContext ctx,
      Reason reason,
      boolean transientFailure,
      String code) {
    return arguments(scenario, t, ctx, reason, transientFailure, code);
  }

  static Stream<Arguments> failures() {
    return Stream.of(
        c(
            "Throttling is transient",
            sts("Throttling", 400),
            WEB,
            Reason.StsUnavailable,
            true,
            "Throttling"),
        c(
            "ThrottlingException is transient",
            sts("ThrottlingException", 400),
            WEB,
            Reason.StsUnavailable,
            true,
            "ThrottlingException"),
        c(
            "RequestLimitExceeded is transient",
            sts("RequestLimitExceeded", 400),
            CHAINED,
            Reason.StsUnavailable,
            true,
            "RequestLimitExceeded"),
        c(
            "TooManyRequestsException is transient",
            sts("TooManyRequestsException", 429),
            WEB,
            Reason.StsUnavailable,
            true,
            "TooManyRequestsException"),
        c(
            "IDPCommunicationError is transient",
            sts("IDPCommunicationError", 400),
            WEB,
            Reason.StsUnavailable,
            true,
            "IDPCommunicationError"),
        c(
            "the IdpCommunicationErrorException subclass is transient",
            IdpCommunicationErrorException.builder()
                .awsErrorDetails(details("IDPCommunicationError"))
                .statusCode(400)
                .build(),
            OPERATOR,
            Reason.StsUnavailable,
            true,
            "IDPCommunicationError"),
        c(
            "InternalFailure is transient",
            sts("InternalFailure", 500),
            WEB,
            Reason.StsUnavailable,
            true,
            "InternalFailure"),
        c(
            "ServiceUnavailable is transient",
            sts("ServiceUnavailable", 503),
            CHAINED,
            Reason.StsUnavailable,
            true,
            "ServiceUnavailable"),
        c(
            "an unknown code with a 5xx status is transient",
            sts("BadGateway", 502),
            WEB,
            Reason.StsUnavailable,
            true,
            "BadGateway"),
        c(
            "a 5xx without any error code is transient",
            sts(null, 500),
            WEB,
            Reason.StsUnavailable,
            true,
            "HTTP500"),
        c(
            "an unknown code with status 429 is transient",
            sts("SlowDown", 429),
            WEB,
            Reason.StsUnavailable,
            true,
            "SlowDown"),
        c(
            "an I/O failure of the SDK client is transient",
            SdkClientException.builder()
                .message(LEAKY)
                .cause(new IOException("Connection refused"))
                .build(),
            WEB,
            Reason.StsUnavailable,
            true,
            "SdkClientException"),
        c(
            "a whole-call timeout is transient",
            ApiCallTimeoutException.builder().message(LEAKY).build(),
            CHAINED,
            Reason.StsUnavailable,
            true,
            "ApiCallTimeoutException"),
        c(
            "a single-attempt timeout is transient",
            ApiCallAttemptTimeoutException.builder().message(LEAKY).build(),
            WEB,
            Reason.StsUnavailable,
            true,
            "ApiCallAttemptTimeoutException"),
        c(
            "an SDK failure wrapped by a future is classified by its cause",
            new CompletionException(SdkClientException.builder().message(LEAKY).build()),
            WEB,
            Reason.StsUnavailable,
            true,
            "SdkClientException"),
        c(
            "a plain I/O failure is transient",
            new UncheckedIOException(new IOException(LEAKY)),
            WEB,
            Reason.StsUnavailable,
            true,
            "UncheckedIOException"),
        c(
            "AccessDenied on web identity is terminal",
            sts("AccessDenied", 403),
            WEB,
            Reason.AccessDenied,
            false,
            "AccessDenied"),
        c(
            "AccessDenied on chained AssumeRole is terminal",
            sts("AccessDenied", 403),
            CHAINED,
            Reason.AccessDenied,
            false,
            "AccessDenied"),
        c(
            "AccessDeniedException is terminal",
            sts("AccessDeniedException", 403),
            OPERATOR,
            Reason.AccessDenied,
            false,
            "AccessDeniedException"),
        c(
            "InvalidClientTokenId is an access denial",
            sts("InvalidClientTokenId", 403),
            CHAINED,
            Reason.AccessDenied,
            false,
            "InvalidClientTokenId"),
        c(
            "AccessDenied from a generic AWS service exception is terminal",
            AwsServiceException.builder()
                .awsErrorDetails(details("AccessDenied"))
                .statusCode(403)
                .build(),
            WEB,
            Reason.AccessDenied,
            false,
            "AccessDenied"),
        c(
            "InvalidIdentityToken is terminal",
            sts("InvalidIdentityToken", 400),
            WEB,
            Reason.InvalidIdentityToken,
            false,
            "InvalidIdentityToken"),
        c(
            "IDPRejectedClaim is an invalid token",
            sts("IDPRejectedClaim", 403),
            WEB,
            Reason.InvalidIdentityToken,
            false,
            "IDPRejectedClaim"),
        c(
            "the InvalidIdentityTokenException subclass is terminal",
            InvalidIdentityTokenException.builder()
                .awsErrorDetails(details("InvalidIdentityToken"))
                .statusCode(400)
                .build(),
            OPERATOR,
            Reason.InvalidIdentityToken,
            false,
            "InvalidIdentityToken"),
        c(
            "the IdpRejectedClaimException subclass is terminal",
            IdpRejectedClaimException.builder()
                .awsErrorDetails(details("IDPRejectedClaim"))
                .statusCode(403)
                .build(),
            WEB,
            Reason.InvalidIdentityToken,
            false,
            "IDPRejectedClaim"),
        c(
            "the ExpiredTokenException subclass is terminal",
            ExpiredTokenException.builder()
                .awsErrorDetails(details("ExpiredTokenException"))
                .statusCode(400)
                .build(),
            WEB,
            Reason.ExpiredToken,
            false,
            "ExpiredTokenException"),
        c(
            "ExpiredToken on chained AssumeRole is terminal",
            sts("ExpiredToken", 400),
            CHAINED,
            Reason.ExpiredToken,
            false,
            "ExpiredToken"),
        c(
            "ValidationError is terminal",
            sts("ValidationError", 400),
            CHAINED,
            Reason.StsValidationError,
            false,
            "ValidationError"),
        c(
            "MalformedPolicyDocument is a validation error",
            sts("MalformedPolicyDocument", 400),
            CHAINED,
            Reason.StsValidationError,
            false,
            "MalformedPolicyDocument"),
        c(
            "PackedPolicyTooLarge is a validation error",
            sts("PackedPolicyTooLarge", 400),
            CHAINED,
            Reason.StsValidationError,
            false,
            "PackedPolicyTooLarge"),
        c(
            "the MalformedPolicyDocumentException subclass is a validation error",
            MalformedPolicyDocumentException.builder()
                .awsErrorDetails(details("MalformedPolicyDocument"))
                .statusCode(400)
                .build(),
            CHAINED,
            Reason.StsValidationError,
            false,
            "MalformedPolicyDocument"),
        c(
            "the PackedPolicyTooLargeException subclass is a validation error",
            PackedPolicyTooLargeException.builder()
                .awsErrorDetails(details("PackedPolicyTooLarge"))
                .statusCode(400)
                .build(),
            CHAINED,
            Reason.StsValidationError,
            false,
            "PackedPolicyTooLarge"),
        c(
            "the RegionDisabledException subclass is terminal",
            RegionDisabledException.builder()
                .awsErrorDetails(details("RegionDisabledException"))
                .statusCode(403)
                .build(),
            WEB,
            Reason.RegionDisabled,
            false,
            "RegionDisabledException"),
        c(
            "the RegionDisabledException code on a plain StsException is terminal",
            sts("RegionDisabledException", 403),
            CHAINED,
            Reason.RegionDisabled,
            false,
            "RegionDisabledException"),
        c(
            "another 400 is a terminal StsError",
            sts("InvalidParameterValue", 400),
            WEB,
            Reason.StsError,
            false,
            "InvalidParameterValue"),
        c(
            "a signature mismatch is a terminal StsError",
            sts("SignatureDoesNotMatch", 403),
            CHAINED,
            Reason.StsError,
            false,
            "SignatureDoesNotMatch"),
        c(
            "a 404 from a generic AWS service exception is a terminal StsError",
            AwsServiceException.builder()
                .awsErrorDetails(details("UnknownOperation"))
                .statusCode(404)
                .build(),
            WEB,
            Reason.StsError,
            false,
            "UnknownOperation"));
  }

  @Test
  void anUnexpectedExceptionIsAnInternalErrorNamedByItsClassNotAGuess() {
    Failure f = StsErrorClassifier.classify(new IllegalStateException(LEAKY), WEB);
    assertThat(f).isInstanceOf(InternalFailure.class);
    assertThat(f.reason()).isEqualTo(Reason.InternalError);
    assertThat(f.transientFailure()).isTrue();
    assertThat(f.code()).isEqualTo("IllegalStateException");
    assertThat(f.message())
        .contains("java.lang.IllegalStateException", WEB.roleArn(), "Fix")
        .doesNotContain("STS unavailable", "throttl")
        .doesNotContain(JWT, "eyJhbGci", KEY_ID, SECRET);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void classifiesEveryKnownFailure(
      String scenario,
      Throwable t,
      CallContext ctx,
      Reason reason,
      boolean transientFailure,
      String code) {
    Failure f = StsErrorClassifier.classify(t, ctx);
    assertThat(f).isInstanceOf(StsFailure.class);
    assertThat(f.reason()).isEqualTo(reason);
    assertThat(f.transientFailure()).isEqualTo(transientFailure);
    assertThat(f.code()).isEqualTo(code);
    assertThat(f.message())
        .contains(ctx.roleArn(), ctx.call().operation(), "Fix")
        .doesNotContain(JWT, "eyJhbGci", KEY_ID, SECRET)
        .contains("<redacted-jwt>")
        .doesNotContain("\n");
  }

  @Test
  void accessDeniedOnWebIdentityNamesTheSubjectAndTheTrustPolicyFix() {
    Failure f = StsErrorClassifier.classify(sts("AccessDenied", 403), WEB);
    assertThat(f.message())
        .startsWith(
            "STS denied AssumeRoleWithWebIdentity into arn:aws:iam::111111111111:role/deploy-dev"
                + " for system:serviceaccount:ci:orders-deployer: Request with token <redacted-jwt>"
                + " and key <redacted-access-key-id> secret <redacted> failed (request id req-1)."
                + " Fix: the role's trust policy must allow sts:AssumeRoleWithWebIdentity for that"
                + " subject and audience from the cluster's OIDC provider.");
  }

  @Test
  void accessDeniedOnChainedAssumeRoleNamesTheSourceRoleAndEveryRequiredAction() {
    Failure f = StsErrorClassifier.classify(sts("AccessDenied", 403), CHAINED);
    assertThat(f.message())
        .startsWith("STS denied AssumeRole into " + PROD_ROLE + " for " + SOURCE_ROLE)
        .contains("sts:AssumeRole,", "sts:TagSession", "sts:SetSourceIdentity", "ExternalId");
  }

  @Test
  void anInvalidTokenPointsAtTheOidcProviderAndAudience() {
    Failure f = StsErrorClassifier.classify(sts("InvalidIdentityToken", 400), OPERATOR);
    assertThat(f.message())
        .contains("the operator's own identity", "OIDC identity provider", "identity.audience");
  }

  @Test
  void aMissingMessageIsSaidToBeMissing() {
    StsException bare =
        (StsException)
            StsException.builder()
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDenied").build())
                .statusCode(403)
                .build();
    assertThat(StsErrorClassifier.classify(bare, WEB).message()).contains("(no message)");
  }

  @Test
  void veryLongStsMessagesAreShortened() {
    StsException chatty =
        (StsException)
            StsException.builder()
                .awsErrorDetails(
                    AwsErrorDetails.builder()
                        .errorCode("AccessDenied")
                        .errorMessage("no. ".repeat(1000))
                        .build())
                .statusCode(403)
                .build();
    assertThat(StsErrorClassifier.classify(chatty, WEB).message()).hasSizeLessThan(1200);
  }
}
