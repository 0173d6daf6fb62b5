package io.stagecred.sts;

import io.stagecred.api.Reason;
import io.stagecred.failure.Failure;
import io.stagecred.failure.InternalFailure;
import io.stagecred.failure.StsFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
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

/**
 * Reads an exception thrown by an AWS SDK v2 STS call and the {@link CallContext}; returns an
 * {@link Failure}: an {@link StsFailure} (reason, transient or terminal, error code, and a redacted
 * message with the fix) for STS answers, timeouts and network errors, else an {@link
 * InternalFailure}.
 */
public final class StsErrorClassifier {

  private static final Set<String> UNAVAILABLE =
      Set.of(
          "Throttling",
          "ThrottlingException",
          "RequestLimitExceeded",
          "TooManyRequestsException",
          "IDPCommunicationError",
          "InternalFailure",
          "InternalError",
          "ServiceUnavailable",
          "RequestTimeout");
  private static final Set<String> ACCESS_DENIED =
      Set.of("AccessDenied", "AccessDeniedException", "InvalidClientTokenId");
  private static final Set<String> INVALID_TOKEN =
      Set.of("InvalidIdentityToken", "IDPRejectedClaim");
  private static final Set<String> EXPIRED = Set.of("ExpiredTokenException", "ExpiredToken");
  private static final Set<String> VALIDATION =
      Set.of("ValidationError", "MalformedPolicyDocument", "PackedPolicyTooLarge");
  private static final Set<String> REGION_DISABLED =
      Set.of("RegionDisabledException", "RegionDisabled");

  private StsErrorClassifier() {}

  public static Failure classify(Throwable thrown, CallContext ctx) {
    Throwable t = unwrap(thrown);
    // Timeouts first: they are SdkClientExceptions too, but deserve their own code and hint.
    if (t instanceof ApiCallTimeoutException || t instanceof ApiCallAttemptTimeoutException) {
      return FailureMessages.unavailable(
          ctx, t.getClass().getSimpleName(), FailureMessages.Kind.TIMEOUT, t.getMessage());
    }
    if (t instanceof SdkClientException) {
      return FailureMessages.unavailable(
          ctx, t.getClass().getSimpleName(), FailureMessages.Kind.UNREACHABLE, describe(t));
    }
    if (t instanceof AwsServiceException service) {
      return service(service, ctx);
    }
    if (t instanceof IOException || t instanceof UncheckedIOException) {
      return FailureMessages.unavailable(
          ctx, t.getClass().getSimpleName(), FailureMessages.Kind.UNREACHABLE, t.getMessage());
    }
    // Anything else is not an answer from STS or the network: a bug or a library failing in a new
    // way. Reported as what it is, by class name, instead of guessing "STS unavailable".
    return InternalFailure.of(
        t,
        "calling STS "
            + ctx.call().operation()
            + " into "
            + ctx.roleArn()
            + " for "
            + ctx.principal());
  }

  private static StsFailure service(AwsServiceException e, CallContext ctx) {
    AwsErrorDetails details = e.awsErrorDetails();
    String code = details != null && details.errorCode() != null ? details.errorCode() : "";
    // Without error details, getMessage() is the SDK's own text; with details but no message, it
    // would be
    // just "(Service: ..., Status Code: ...)", which says nothing the code and status do not.
    String stsMessage = details != null ? details.errorMessage() : e.getMessage();
    int status = e.statusCode();
    String requestId = e.requestId();
    Reason reason = bySubclass(e);
    if (reason == null) {
      reason = byCode(code);
    }
    if (reason == null) {
      // Unknown code: the HTTP status decides. 5xx and 429 are the service's problem and pass;
      // other
      // statuses will not change by retrying soon.
      reason =
          status >= 500 || status == 429 || e.isThrottlingException()
              ? Reason.StsUnavailable
              : Reason.StsError;
    }
    if (code.isEmpty()) {
      code = status > 0 ? "HTTP" + status : e.getClass().getSimpleName();
    }
    if (reason == Reason.StsUnavailable) {
      FailureMessages.Kind kind =
          e instanceof IdpCommunicationErrorException || code.equals("IDPCommunicationError")
              ? FailureMessages.Kind.IDP_UNREACHABLE
              : isThrottling(code, status)
                  ? FailureMessages.Kind.THROTTLED
                  : FailureMessages.Kind.SERVICE_ERROR;
      return FailureMessages.unavailable(
          ctx, code, kind, FailureMessages.withRequestId(stsMessage, requestId));
    }
    return FailureMessages.terminal(
        reason, ctx, code, status, FailureMessages.withRequestId(stsMessage, requestId));
  }

  private static Reason bySubclass(AwsServiceException e) {
    if (e instanceof ExpiredTokenException) {
      return Reason.ExpiredToken;
    }
    if (e instanceof InvalidIdentityTokenException || e instanceof IdpRejectedClaimException) {
      return Reason.InvalidIdentityToken;
    }
    if (e instanceof RegionDisabledException) {
      return Reason.RegionDisabled;
    }
    if (e instanceof IdpCommunicationErrorException) {
      return Reason.StsUnavailable;
    }
    if (e instanceof MalformedPolicyDocumentException
        || e instanceof PackedPolicyTooLargeException) {
      return Reason.StsValidationError;
    }
    return null;
  }

  private static Reason byCode(String code) {
    if (UNAVAILABLE.contains(code)) {
      return Reason.StsUnavailable;
    }
    if (ACCESS_DENIED.contains(code)) {
      return Reason.AccessDenied;
    }
    if (INVALID_TOKEN.contains(code)) {
      return Reason.InvalidIdentityToken;
    }
    if (EXPIRED.contains(code)) {
      return Reason.ExpiredToken;
    }
    if (VALIDATION.contains(code)) {
      return Reason.StsValidationError;
    }
    if (REGION_DISABLED.contains(code)) {
      return Reason.RegionDisabled;
    }
    return null;
  }

  private static boolean isThrottling(String code, int status) {
    return status == 429
        || code.contains("Throttl")
        || code.equals("RequestLimitExceeded")
        || code.equals("TooManyRequestsException");
  }

  /**
   * Futures and executors wrap the SDK's exception; classify what STS or the SDK actually threw.
   */
  private static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  /**
   * SDK client messages are often generic ("Unable to execute HTTP request"); the cause says why.
   */
  private static String describe(Throwable t) {
    Throwable cause = t.getCause();
    if (cause != null && cause.getMessage() != null && !cause.getMessage().equals(t.getMessage())) {
      return t.getMessage()
          + " ("
          + cause.getClass().getSimpleName()
          + ": "
          + cause.getMessage()
          + ")";
    }
    return t.getMessage();
  }
}
