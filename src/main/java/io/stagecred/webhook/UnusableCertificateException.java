package io.stagecred.webhook;

/**
 * A certificate or key that cannot be read or used. Its message says what is wrong and never quotes
 * the material, so it may be logged.
 */
final class UnusableCertificateException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  UnusableCertificateException(String message) {
    super(message);
  }
}
