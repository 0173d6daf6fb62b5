package io.stagecred.sts;

import java.util.Objects;

/**
 * Which STS call failed, for which role, and who was asking: the facts {@link StsErrorClassifier}
 * puts into its message so that the reader knows which trust policy to fix.
 *
 * @param call the STS operation
 * @param roleArn the role being assumed
 * @param principal who asked, e.g. {@code system:serviceaccount:ci:orders-deployer}, {@link
 *     #OPERATOR_IDENTITY}, or the source role ARN of a chained call
 */
public record CallContext(Call call, String roleArn, String principal) {

  /** How the operator's own token is described in messages. */
  public static final String OPERATOR_IDENTITY = "the operator's own identity";

  /** The STS operation. */
  public enum Call {
    WEB_IDENTITY("AssumeRoleWithWebIdentity"),
    ASSUME_ROLE("AssumeRole");

    private final String operation;

    Call(String operation) {
      this.operation = operation;
    }

    /** The STS API name, e.g. AssumeRoleWithWebIdentity. */
    public String operation() {
      return operation;
    }
  }

  public CallContext {
    Objects.requireNonNull(call, "call");
    roleArn = roleArn == null ? "(unknown role)" : roleArn;
    principal = principal == null ? "(unknown caller)" : principal;
  }

  /**
   * AssumeRoleWithWebIdentity by a principal such as {@code
   * system:serviceaccount:ci:orders-deployer}.
   */
  public static CallContext webIdentity(String roleArn, String principal) {
    return new CallContext(Call.WEB_IDENTITY, roleArn, principal);
  }

  /** Chained AssumeRole into {@code roleArn} from the session of {@code sourceRoleArn}. */
  public static CallContext assumeRole(String roleArn, String sourceRoleArn) {
    return new CallContext(Call.ASSUME_ROLE, roleArn, sourceRoleArn);
  }

  /**
   * {@code system:serviceaccount:<namespace>:<serviceAccount>}, the subject of a service account
   * token.
   */
  public static String serviceAccountSubject(String namespace, String serviceAccount) {
    return "system:serviceaccount:" + namespace + ":" + serviceAccount;
  }
}
