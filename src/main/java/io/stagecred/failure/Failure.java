package io.stagecred.failure;

import io.stagecred.api.Reason;

/**
 * Why an attempt to issue a stage's credentials did not succeed, typed by where it went wrong (STS,
 * the caller's identity, the definition, the spec, the sidecar's output folder, or stagecred
 * itself); each type maps to a {@link Reason} and carries a message that names the cause and the
 * fix and never a secret.
 */
public sealed interface Failure
    permits StsFailure,
        IdentityFailure,
        KubernetesFailure,
        SpecFailure,
        OutputFailure,
        InternalFailure {

  /** The reason for status, events and logs. */
  Reason reason();

  /** Whether retrying soon can help (throttling, outages) rather than only after a fix. */
  boolean transientFailure();

  /** A short machine-readable code: the AWS error code, an HTTP status name, a class name. */
  String code();

  /** What went wrong and what to fix. */
  String message();
}
