package io.stagecred.identity;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Deny-by-default rule for lending the operator's own token: the namespace and every role it would
 * be used for must be listed in the operator's configuration.
 */
public record OperatorIdentityPolicy(List<String> allowedNamespaces, List<String> allowedRoleArns) {

  /**
   * Why a resource may not use the operator's identity, or empty when it may or does not use it. A
   * declared source role is reached with the operator's token too, so it must be allowed as well.
   */
  public Optional<String> refusal(
      String namespace,
      IdentityPlan identity,
      Optional<String> declaredSourceRole,
      List<String> stageRoles) {
    if (!identity.operatorOwn()) {
      return Optional.empty();
    }
    List<String> roles = new ArrayList<>();
    declaredSourceRole.ifPresent(roles::add);
    roles.addAll(stageRoles);
    return refusal(namespace, roles);
  }

  /** Why the operator's identity may not be used here, or empty when it may. */
  public Optional<String> refusal(String namespace, List<String> roleArns) {
    if (!Globs.anyMatches(allowedNamespaces, namespace)) {
      return Optional.of(
          "namespace '"
              + namespace
              + "' may not use the operator's own identity. Fix: set"
              + " spec.identity.serviceAccountName to a service account that the stage roles trust"
              + " (recommended), or add the namespace to"
              + " stagecred.operator-identity.allowed-namespaces.");
    }
    for (String role : roleArns) {
      if (!Globs.anyMatches(allowedRoleArns, role)) {
        return Optional.of(
            "role "
                + role
                + " may not be assumed with the operator's own identity. Fix: set"
                + " spec.identity.serviceAccountName, or add a matching pattern to"
                + " stagecred.operator-identity.allowed-role-arns.");
      }
    }
    return Optional.empty();
  }
}
