package io.stagecred.identity;

/** No web-identity token could be obtained. The message is safe to show: it never holds a token. */
public class IdentityUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public IdentityUnavailableException(String message) {
    super(message);
  }
}
