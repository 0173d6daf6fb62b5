package io.stagecred.sidecar;

import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IssueRequest;
import java.time.Duration;
import java.util.Optional;

/**
 * The stage the sidecar serves, resolved: what to ask STS for, with which identity, when to renew,
 * and where the answer came from (for log lines).
 *
 * @param namespace and {@code owner} name the STS sessions and chained-session tags
 * @param origin e.g. {@code DeploymentCredential ci/orders, entry 'pr-*' (pattern)}
 */
public record StageTarget(
    IssueRequest request,
    IdentityPlan identity,
    Optional<Duration> renewBefore,
    String namespace,
    String owner,
    String origin) {

  /** The requested stage: the profile name in the files. */
  public String stage() {
    return request.stage();
  }
}
