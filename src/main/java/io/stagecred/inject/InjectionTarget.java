package io.stagecred.inject;

import java.util.Optional;

/**
 * What admission resolved for a pod: the stage the injected sidecar serves and everything the pod's
 * containers need to agree on.
 *
 * @param deploymentCredential the resource the sidecar resolves the stage from (it re-reads it), or
 *     empty when the sidecar is given {@code roleArn}
 * @param roleArn the stage's role (resolved from the resource, or the annotation's)
 * @param audience of the sidecar's projected web-identity token
 * @param mountPath where the shared volume is mounted in every container
 * @param origin where the answer came from, e.g. {@code DeploymentCredential ci/orders, entry
 *     'pr-*' (pattern)}
 */
public record InjectionTarget(
    String stage,
    Optional<String> deploymentCredential,
    String roleArn,
    String region,
    String audience,
    String mountPath,
    String origin) {}
