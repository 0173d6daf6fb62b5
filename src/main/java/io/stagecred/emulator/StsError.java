package io.stagecred.emulator;

/**
 * An STS error answer (code, HTTP status, message) raised while handling a request. Messages are
 * sent to the client, so they must never contain tokens or secrets.
 */
final class StsError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final String code;
  final int status;

  StsError(String code, int status, String message) {
    // no stack trace: these are expected answers, not bugs
    super(message, null, false, false);
    this.code = code;
    this.status = status;
  }

  /** STS reports client faults as Sender and its own (5xx) as Receiver. */
  String type() {
    return status >= 500 ? "Receiver" : "Sender";
  }

  static StsError validation(String message) {
    return new StsError("ValidationError", 400, message);
  }

  static StsError accessDenied(String message) {
    return new StsError("AccessDenied", 403, message);
  }

  static StsError invalidIdentityToken(String message) {
    return new StsError("InvalidIdentityToken", 400, message);
  }

  static StsError signatureDoesNotMatch(String message) {
    return new StsError("SignatureDoesNotMatch", 403, message);
  }

  static StsError invalidClientTokenId() {
    return new StsError(
        "InvalidClientTokenId", 403, "The security token included in the request is invalid.");
  }

  static StsError incompleteSignature(String message) {
    return new StsError("IncompleteSignature", 400, message);
  }
}
