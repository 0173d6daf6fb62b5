package io.stagecred.api;

/**
 * Regular expressions and length limits shared by the CRD schema and the operator's own validation.
 * Every string a CEL rule reads has a maximum length: the API server sizes an unbounded string at
 * about 3 MiB when it estimates a rule's cost, and refuses a CRD whose rules could cost too much.
 */
public final class Patterns {
  /** An IAM role ARN in any partition. */
  public static final String ROLE_ARN =
      "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$";

  /** A concrete stage name: lowercase letters, digits and '-'. */
  public static final String STAGE_NAME = "^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$";

  /** A stage name or pattern: like a stage name, and may use '*'. */
  public static final String STAGE_NAME_OR_PATTERN = "^[a-z0-9*]([a-z0-9*-]{0,61}[a-z0-9*])?$";

  /** A namespace name (DNS label, at most 63 characters): the stage-name alphabet. */
  public static final String DNS_LABEL = STAGE_NAME;

  /** An AWS region name such as us-east-1 or us-gov-west-1. */
  public static final String REGION = "^[a-z]{2}(-[a-z]+)+-[0-9]+$";

  /** A Kubernetes DNS-1123 subdomain (service account names). */
  public static final String DNS_SUBDOMAIN =
      "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

  /** A duration in Go's notation limited to hours, minutes and seconds, e.g. 20m or 1h30m. */
  public static final String DURATION = "^([0-9]+h)?([0-9]+m)?([0-9]+s)?$";

  /** An absolute path safe to embed unquoted in a credential_process command. */
  public static final String ABSOLUTE_PATH = "^/[A-Za-z0-9._/-]*$";

  /**
   * The alphabet of an STS ExternalId; its length (2..1224) is checked apart, as the API server's
   * regular expressions (RE2) allow no repeat count above 1000.
   */
  public static final String EXTERNAL_ID = "^[A-Za-z0-9+=,.@:/_-]+$";

  /** Longest region name accepted (the longest AWS region names are about 15 characters). */
  public static final int MAX_REGION = 32;

  /** Longest stage name or pattern: a DNS label, as the stage name patterns allow. */
  public static final int MAX_STAGE_NAME = 63;

  /** Longest Kubernetes name (DNS subdomain). */
  public static final int MAX_SUBDOMAIN = 253;

  /** Longest role ARN, as IAM's RoleArn type allows. */
  public static final int MAX_ROLE_ARN = 2048;

  /** Longest token audience (an IAM OIDC provider's client ID has at most 255 characters). */
  public static final int MAX_AUDIENCE = 255;

  /** Longest duration string such as 1h30m. */
  public static final int MAX_DURATION = 32;

  /** Longest mount path. */
  public static final int MAX_PATH = 1024;

  /** Shortest and longest STS ExternalId. */
  public static final int MIN_EXTERNAL_ID = 2;

  public static final int MAX_EXTERNAL_ID = 1224;

  private Patterns() {}
}
