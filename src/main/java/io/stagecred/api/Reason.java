package io.stagecred.api;

/**
 * Machine-readable reasons, the one vocabulary of conditions, per-stage status, events and the
 * renewal checks. Each names a cause; the accompanying message says what to fix.
 */
public enum Reason {
  /** Every concrete stage holds valid credentials for the current spec. */
  CredentialsIssued,
  /** Credentials were renewed (their renewal time had come, or they had expired). */
  CredentialsRenewed,
  /** Issuing is in progress (first reconcile, or some stages still pending). */
  Pending,
  /** The spec is invalid; the message names the field and the fix. */
  InvalidSpec,
  /** STS refused the call (trust policy, permissions, SCP). */
  AccessDenied,
  /** The web-identity token was rejected (issuer, audience, signature) or is expired. */
  InvalidIdentityToken,
  /** The token or the source credentials had expired when STS saw them. */
  ExpiredToken,
  /** STS rejected a parameter (duration above the role's maximum, bad session tag, ...). */
  StsValidationError,
  /** STS is not enabled in the requested region. */
  RegionDisabled,
  /** STS was throttling, failing (5xx) or unreachable; retried with backoff. */
  StsUnavailable,
  /** STS refused the call with a client error (4xx) that no other reason describes. */
  StsError,
  /** No web-identity token could be obtained (token file missing, TokenRequest refused). */
  IdentityUnavailable,
  /** The operator's own identity is not allowed for this namespace or role. */
  IdentityRefused,
  /** A Secret with the target name exists and is not owned by this resource; it is left alone. */
  SecretConflict,
  /** A managed Secret was deleted or edited and has been restored. */
  SecretRestored,
  /** The Kubernetes API refused or failed a request. */
  KubernetesApiError,
  /** The sidecar cannot write its credential files to its output folder. */
  OutputUnwritable,
  /** Something stagecred did not expect; the message names the exception's class. */
  InternalError,
  /** Check result: no Secret exists for the stage yet (first issue, or it was deleted). */
  SecretMissing,
  /** Check result: the Secret's data or sealed annotations were changed by someone else. */
  SecretEdited,
  /** Check result: the Secret holds credentials issued for an earlier spec of the stage. */
  SpecChanged,
  /** The credentials held have expired (and could not be renewed in time). */
  Expired,
  /** Check result: the stage's renewal time has come. */
  RenewalDue
}
