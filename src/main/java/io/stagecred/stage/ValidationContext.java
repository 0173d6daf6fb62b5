package io.stagecred.stage;

/**
 * What the validator needs beyond the spec: the resource's metadata.name (for Secret-name lengths;
 * may be null when unknown, e.g. a sidecar's definition file), whether the operator chains through
 * its own role for resources that name no service account, and whether regions the AWS SDK does not
 * know are accepted ({@link Regions#OVERRIDE}).
 */
public record ValidationContext(
    String resourceName, boolean operatorChains, boolean allowUnknownRegions) {

  /** Known regions only. */
  public ValidationContext(String resourceName, boolean operatorChains) {
    this(resourceName, operatorChains, false);
  }
}
