package io.stagecred.identity;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What to ask STS for one concrete stage, defaults already applied: the operator builds it from a
 * {@code StagePlan}, the sidecar from the stage it serves.
 *
 * @param stage the concrete stage name (tags and session names)
 * @param externalId sent with a chained AssumeRole; {@code null} when not set
 * @param sessionTags extra tags for a chained AssumeRole
 */
public record IssueRequest(
    String stage,
    String roleArn,
    String region,
    int durationSeconds,
    String externalId,
    Map<String, String> sessionTags) {

  public IssueRequest {
    // Sorted, so the tags STS receives do not depend on how the caller built the map.
    sessionTags =
        Collections.unmodifiableSortedMap(
            new TreeMap<>(sessionTags == null ? Map.of() : sessionTags));
  }
}
