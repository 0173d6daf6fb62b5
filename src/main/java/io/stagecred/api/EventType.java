package io.stagecred.api;

/** The two Kubernetes Event types; the names are the API's values. */
public enum EventType {
  /** Something happened as intended (issued, renewed, restored). */
  Normal,
  /** Something needs attention (a failure, a conflict, an invalid spec). */
  Warning
}
