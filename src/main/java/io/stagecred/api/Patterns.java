package io.stagecred.api;

/** Regular expressions shared by the CRD schema and the operator's own validation. */
public final class Patterns {
  /** An IAM role ARN in any partition. */
  public static final String ROLE_ARN =
      "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$";

  /** A concrete stage name: lowercase letters, digits and '-'. */
  public static final String STAGE_NAME = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

  /** A stage name or pattern: like a stage name, and may use '*'. */
  public static final String STAGE_NAME_OR_PATTERN = "^[a-z0-9*]([a-z0-9*-]{0,61}[a-z0-9*])?$";

  /** An AWS region name such as us-east-1 or us-gov-west-1. */
  public static final String REGION = "^[a-z]{2}(-[a-z]+)+-[0-9]+$";

  /** A Kubernetes DNS-1123 subdomain (service account names). */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A duration in Go's notation limited to hours, minutes and seconds, e.g. 20m or 1h30m. */
  public static final String DURATION = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

  /** An absolute path safe to embed unquoted in a credential_process command. */
  public static final String ABSOLUTE_PATH = "^/[A-Za-z0-9._/-]*$";

  /** An STS ExternalId. */
  public static final String EXTERNAL_ID = "^[A-Za-z0-9+=,.@:/_-]{2,1224}$";

  private Patterns() {}
}
