package io.stagecred.stage;

import java.util.Set;
import java.util.stream.Collectors;
import software.amazon.awssdk.regions.Region;

/**
 * Reads a region name; says whether the AWS SDK this release ships knows it (every partition: aws,
 * aws-cn, aws-us-gov, the isolated ones). A region newer than the SDK needs the explicit override
 * {@code stagecred.sts.allow-unknown-regions}.
 */
public final class Regions {

  /** The setting that accepts regions this release does not know, for messages. */
  public static final String OVERRIDE = "stagecred.sts.allow-unknown-regions";

  private static final Set<String> KNOWN =
      Region.regions().stream()
          .filter(r -> !r.isGlobalRegion())
          .map(Region::id)
          .collect(Collectors.toUnmodifiableSet());

  private Regions() {}

  /** Whether {@code region} is a regional endpoint the AWS SDK knows. */
  public static boolean known(String region) {
    return KNOWN.contains(region);
  }
}
