package io.stagecred.operator;

/**
 * Names, labels and annotation keys of the Secrets the operator manages: the one place they live.
 */
public final class Names {
  public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
  public static final String MANAGED_BY_VALUE = "stagecred";
  public static final String LABEL_RESOURCE = "stagecred.io/deployment-credential";
  public static final String LABEL_STAGE = "stagecred.io/stage";
  public static final String MANAGED_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;

  public static final String ANN_EXPIRATION = "stagecred.io/expiration";
  public static final String ANN_RENEWAL_TIME = "stagecred.io/renewal-time";
  public static final String ANN_ISSUED_AT = "stagecred.io/issued-at";
  public static final String ANN_ROLE_ARN = "stagecred.io/role-arn";
  public static final String ANN_ASSUMED_ROLE_ARN = "stagecred.io/assumed-role-arn";

  /** Hash of everything in the spec that shaped this stage's credentials and files. */
  public static final String ANN_SPEC_HASH = "stagecred.io/spec-hash";

  /**
   * Seal over the data and the issue time as written, so an edited Secret is noticed and restored.
   */
  public static final String ANN_DATA_HASH = "stagecred.io/data-hash";

  private Names() {}
}
