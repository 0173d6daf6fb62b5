package io.stagecred.sts;

import io.stagecred.api.Reason;
import io.stagecred.failure.StsFailure;
import io.stagecred.sts.CallContext.Call;

/**
 * Reads a classified cause and the {@link CallContext}; returns the {@link StsFailure} whose
 * message names the call, the role, the caller, STS's own (redacted) words and the concrete fix.
 */
final class FailureMessages {

  /** Longest STS text quoted in a message; status fields and events should stay readable. */
  static final int MAX_QUOTED = 600;

  /**
   * Flavours of "STS could not be used right now", which differ only in the first sentence and
   * hint.
   */
  enum Kind {
    THROTTLED,
    SERVICE_ERROR,
    IDP_UNREACHABLE,
    TIMEOUT,
    UNREACHABLE
  }

  private FailureMessages() {}

  static StsFailure unavailable(CallContext ctx, String code, Kind kind, String rawMessage) {
    String what =
        switch (kind) {
          case THROTTLED -> "STS throttled " + ctx.call().operation();
          case SERVICE_ERROR -> "STS failed " + ctx.call().operation();
          case IDP_UNREACHABLE ->
              "STS could not reach the token issuer's OIDC provider during "
                  + ctx.call().operation();
          case TIMEOUT -> "STS did not answer " + ctx.call().operation() + " in time";
          case UNREACHABLE -> "could not reach STS for " + ctx.call().operation();
        };
    String fix =
        switch (kind) {
          case THROTTLED ->
              "Retrying with backoff. Fix if it persists: lower the number of resources renewing at"
                  + " once or raise the account's STS request quota.";
          case IDP_UNREACHABLE ->
              "Retrying with backoff. Fix if it persists: the cluster's OIDC issuer URL must serve"
                  + " its discovery document and keys publicly over HTTPS so that AWS can fetch"
                  + " them.";
          case TIMEOUT ->
              "Retrying with backoff. Fix if it persists: check network egress to the STS endpoint"
                  + " (AWS_ENDPOINT_URL_STS, proxies, DNS) or raise stagecred.sts.call-timeout.";
          default ->
              "Retrying with backoff. Fix if it persists: check network egress to the STS endpoint"
                  + " (AWS_ENDPOINT_URL_STS, proxies, DNS) and the AWS Health Dashboard for STS.";
        };
    String message =
        what
            + " into "
            + ctx.roleArn()
            + " for "
            + ctx.principal()
            + " ("
            + code
            + "): "
            + quote(rawMessage)
            + ". "
            + fix;
    return new StsFailure(Reason.StsUnavailable, true, code, message);
  }

  static StsFailure terminal(
      Reason reason, CallContext ctx, String code, int status, String rawMessage) {
    String op = ctx.call().operation();
    String role = ctx.roleArn();
    String who = ctx.principal();
    String sts = quote(rawMessage);
    boolean web = ctx.call() == Call.WEB_IDENTITY;
    String call = op + " into " + role;
    String callFor = call + " for " + who;
    String message =
        switch (reason) {
          case AccessDenied ->
              web
                  ? "STS denied "
                      + callFor
                      + ": "
                      + sts
                      + ". Fix: the role's trust policy must allow sts:AssumeRoleWithWebIdentity"
                      + " for that subject and audience from the cluster's OIDC provider."
                  : "STS denied "
                      + callFor
                      + ": "
                      + sts
                      + ". Fix: the stage role's trust policy must allow sts:AssumeRole,"
                      + " sts:TagSession and sts:SetSourceIdentity from "
                      + who
                      + " (with an sts:ExternalId condition equal to the stage's externalId, if it"
                      + " sets one), and "
                      + who
                      + "'s permissions must allow the same actions on "
                      + role
                      + "."
                      + ("InvalidClientTokenId".equals(code)
                          ? " STS did not recognise the caller's credentials: check that "
                              + who
                              + " exists and that its sessions were not revoked."
                          : "");
          case InvalidIdentityToken ->
              "STS rejected the web-identity token of "
                  + who
                  + " for "
                  + call
                  + ": "
                  + sts
                  + ". Fix: register the cluster's OIDC issuer as an IAM OIDC identity provider in"
                  + " the role's account, make the token's audience (identity.audience, default"
                  + " sts.amazonaws.com) one of the provider's client IDs, and let the role's trust"
                  + " policy name that provider.";
          case ExpiredToken ->
              web
                  ? "the web-identity token of "
                      + who
                      + " had expired when STS checked it ("
                      + call
                      + "): "
                      + sts
                      + ". Fix: tokens are re-read or re-minted on every attempt, so check the"
                      + " clocks of the nodes and that the projected token is refreshed"
                      + " (stagecred.token-request.expiration for minted tokens)."
                  : "the credentials of "
                      + who
                      + " had expired when STS checked them ("
                      + call
                      + "): "
                      + sts
                      + ". Fix: the source role is assumed afresh on the next attempt; if this"
                      + " repeats, check the clock of the machine running stagecred.";
          case StsValidationError ->
              "STS rejected a parameter of "
                  + callFor
                  + ": "
                  + sts
                  + ". Fix: "
                  + validationFix(code);
          case RegionDisabled ->
              "STS is not activated in the region used for "
                  + call
                  + ": "
                  + sts
                  + ". Fix: activate that region's STS endpoint in the IAM account settings of the"
                  + " role's account, or use an STS endpoint in an active region (AWS_REGION or"
                  + " AWS_ENDPOINT_URL_STS).";
          default ->
              "STS refused "
                  + callFor
                  + " with "
                  + code
                  + (status > 0 ? " (HTTP " + status + ")" : "")
                  + ": "
                  + sts
                  + ". Fix: check the role ARN and the"
                  + " request's parameters against the "
                  + code
                  + " error in the STS documentation.";
        };
    return new StsFailure(reason, false, code, message);
  }

  private static String validationFix(String code) {
    return switch (code) {
      case "PackedPolicyTooLarge", "PackedPolicyTooLargeException" ->
          "the session tags are too large once" + " packed; use fewer or shorter sessionTags.";
      case "MalformedPolicyDocument", "MalformedPolicyDocumentException" ->
          "the session policy is not valid" + " IAM policy JSON; correct it.";
      default ->
          "durationSeconds must not exceed the role's maximum session duration (and 3600 when"
              + " chained), session tags must follow STS's rules, and externalId must be 2..1224"
              + " characters.";
    };
  }

  static String withRequestId(String message, String requestId) {
    if (requestId == null || requestId.isBlank() || message == null || message.isBlank()) {
      return message;
    }
    String sentence = message.strip();
    if (sentence.endsWith(".")) {
      sentence = sentence.substring(0, sentence.length() - 1);
    }
    return sentence + " (request id " + requestId + ")";
  }

  /** STS's words, redacted, single-line and bounded. */
  static String quote(String raw) {
    if (raw == null || raw.isBlank()) {
      return "(no message)";
    }
    String text = Redactor.redact(raw).replaceAll("[\\r\\n\\t]+", " ").strip();
    if (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.length() > MAX_QUOTED ? text.substring(0, MAX_QUOTED) + "..." : text;
  }
}
