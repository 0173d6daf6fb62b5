package io.stagecred.stage;

/**
 * What the validator needs beyond the spec: the resource's metadata.name (for Secret-name lengths;
 * may be null when unknown, e.g. a sidecar's definition file) and whether the operator chains
 * through its own role for resources that name no service account.
 */
public record ValidationContext(String resourceName, boolean operatorChains) {}
