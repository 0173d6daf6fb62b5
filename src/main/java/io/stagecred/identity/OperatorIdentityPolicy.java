package io.stagecred.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deny-by-default rule for lending the operator's own token, as pairs: each grant lets the
 * namespaces its glob matches use the operator's identity for the role ARNs its glob matches, and
 * nothing else. A namespace granted one role cannot borrow the identity for another namespace's.
 */
public record OperatorIdentityPolicy(List<Grant> grants) {

  /** The configuration property that holds the grants, for messages. */
  public static final String PROPERTY = "stagecred.operator-identity.grants";

  /** One pair: namespace glob → role-ARN glob. */
  public record Grant(String namespaceGlob, String roleArnGlob) {
    @Override
    public String toString() {
      return namespaceGlob + "=" + roleArnGlob;
    }
  }

  public OperatorIdentityPolicy {
    grants = List.copyOf(grants);
  }

  /**
   * The policy of the well-formed entries {@code <namespace glob>=<role-ARN glob>}; see {@link
   * #problems} for the others, which grant nothing.
   */
  public static OperatorIdentityPolicy of(List<String> entries) {
    List<Grant> grants = new ArrayList<>();
    for (String entry : entries) {
      parse(entry).ifPresent(grants::add);
    }
    return new OperatorIdentityPolicy(grants);
  }

  /** What is wrong with each malformed entry, naming it and the form expected. */
  public static List<String> problems(List<String> entries) {
    List<String> out = new ArrayList<>();
    for (String entry : entries) {
      if (parse(entry).isEmpty()) {
        out.add(
            PROPERTY
                + " entry '"
                + entry.replaceAll("\\p{Cntrl}", "?")
                + "' is not <namespace glob>=<role ARN glob>, e.g."
                + " ci-*=arn:aws:iam::111111111111:role/deploy-*");
      }
    }
    return out;
  }

  private static Optional<Grant> parse(String entry) {
    int eq = entry == null ? -1 : entry.indexOf('=');
    if (eq <= 0 || eq == entry.length() - 1) {
      return Optional.empty();
    }
    String namespace = entry.substring(0, eq).trim();
    String role = entry.substring(eq + 1).trim();
    if (!namespace.matches("[a-z0-9*-]+") || !(role.equals("*") || role.startsWith("arn:"))) {
      return Optional.empty();
    }
    return Optional.of(new Grant(namespace, role));
  }

  /** Why the operator's identity may not be used here for {@code roleArns}, or empty. */
  public Optional<String> refusal(String namespace, List<String> roleArns) {
    List<Grant> forNamespace =
        grants.stream().filter(g -> Globs.matches(g.namespaceGlob(), namespace)).toList();
    if (forNamespace.isEmpty()) {
      return Optional.of(
          "namespace '"
              + namespace
              + "' may not use the operator's own identity. Fix: set"
              + " spec.identity.serviceAccountName to a service account that the stage roles trust"
              + " (recommended), or grant it in "
              + PROPERTY
              + " (e.g. "
              + namespace
              + "=<role ARN glob>).");
    }
    for (String role : roleArns) {
      if (forNamespace.stream().noneMatch(g -> Globs.matches(g.roleArnGlob(), role))) {
        return Optional.of(
            "role "
                + role
                + " may not be assumed with the operator's own identity from namespace '"
                + namespace
                + "'. Fix: set spec.identity.serviceAccountName, or grant the pair in "
                + PROPERTY
                + " (e.g. "
                + namespace
                + "="
                + role
                + ").");
      }
    }
    return Optional.empty();
  }
}
