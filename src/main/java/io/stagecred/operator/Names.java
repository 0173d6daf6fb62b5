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

  /** Label values are at most 63 characters; longer resource names are shortened with a hash. */
  static final int MAX_LABEL_VALUE = 63;

  /** Object names (Secrets, Events) are DNS subdomains of at most 253 characters. */
  static final int MAX_NAME = 253;

  /** The resource's full name, also when its label value had to be shortened. */
  public static final String ANN_RESOURCE = LABEL_RESOURCE;

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

  /**
   * {@code name} as a label value: itself when it fits in 63 characters, else its first 50
   * characters and a hash of the whole, so that distinct names stay distinct (the full name is in
   * the {@link #ANN_RESOURCE} annotation).
   */
  public static String labelValue(String name) {
    if (name.length() <= MAX_LABEL_VALUE) {
      return name;
    }
    return trimmed(name.substring(0, 50)) + "-" + StagePlan.hash(name).substring(0, 12);
  }

  /**
   * The name of an Event about resource {@code name}: the name, shortened when needed, a dot and
   * {@code suffix}, within the 253 characters of an object name.
   */
  static String eventName(String name, String suffix) {
    int room = MAX_NAME - suffix.length() - 1;
    String base = name.length() <= room ? name : trimmed(name.substring(0, room));
    return base + "." + suffix;
  }

  /** Drops trailing '-' and '.', which names and label values may not end with. */
  private static String trimmed(String s) {
    int end = s.length();
    while (end > 0 && (s.charAt(end - 1) == '-' || s.charAt(end - 1) == '.')) {
      end--;
    }
    return s.substring(0, end);
  }
}
