package io.stagecred.operator;

import io.stagecred.api.Reason;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IdentityUnavailableException;
import io.stagecred.identity.TokenSource;
import io.stagecred.sts.CallContext;
import io.stagecred.sts.IssuedCredentials;
import io.stagecred.sts.SessionNames;
import io.stagecred.sts.StsErrorClassifier;
import io.stagecred.sts.StsFailure;
import io.stagecred.sts.StsGateway;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Issues credentials for the stages of one resource during one reconciliation. The web-identity
 * token and, when chaining, the source-role session are fetched once and shared by the stages.
 */
final class IssuingSession {

  /**
   * Lifetime of the intermediate source-role session: it only lives through this reconciliation.
   */
  private static final int SOURCE_SESSION_SECONDS = 900;

  private final String namespace;
  private final String name;
  private final String sourceRegion;
  private final IdentityPlan identity;
  private final TokenSource tokens;
  private final StsGateway sts;
  private String token;
  private IssuedCredentials source;

  IssuingSession(
      String namespace,
      String name,
      String sourceRegion,
      IdentityPlan identity,
      TokenSource tokens,
      StsGateway sts) {
    this.namespace = namespace;
    this.name = name;
    this.sourceRegion = sourceRegion;
    this.identity = identity;
    this.tokens = tokens;
    this.sts = sts;
  }

  /** Either credentials for the stage or a classified failure; never throws for STS or identity. */
  Result issue(StagePlan plan) {
    try {
      if (token == null) {
        token = tokens.token(identity, namespace);
      }
    } catch (IdentityUnavailableException e) {
      return new Result(
          null,
          new StsFailure(Reason.IdentityUnavailable, true, "IdentityUnavailable", e.getMessage()));
    }
    String sessionName = SessionNames.roleSessionName(namespace, name, plan.stage());
    if (!identity.chained()) {
      CallContext ctx = CallContext.webIdentity(plan.roleArn(), identity.subject());
      try {
        return new Result(
            sts.assumeRoleWithWebIdentity(
                plan.region(), plan.roleArn(), sessionName, plan.durationSeconds(), token),
            null);
      } catch (RuntimeException e) {
        return new Result(null, StsErrorClassifier.classify(e, ctx));
      }
    }
    String sourceRole = identity.sourceRoleArn().orElseThrow();
    if (source == null) {
      CallContext ctx = CallContext.webIdentity(sourceRole, identity.subject());
      try {
        source =
            sts.assumeRoleWithWebIdentity(
                sourceRegion,
                sourceRole,
                SessionNames.sourceIdentity(namespace, name),
                SOURCE_SESSION_SECONDS,
                token);
      } catch (RuntimeException e) {
        return new Result(null, StsErrorClassifier.classify(e, ctx));
      }
    }
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("stagecred-namespace", namespace);
    tags.put("stagecred-name", name);
    tags.put("stagecred-stage", plan.stage());
    tags.putAll(plan.sessionTags());
    CallContext ctx = CallContext.assumeRole(plan.roleArn(), sourceRole);
    try {
      return new Result(
          sts.assumeRole(
              plan.region(),
              source,
              new StsGateway.ChainedRequest(
                  plan.roleArn(),
                  sessionName,
                  plan.durationSeconds(),
                  plan.externalId(),
                  SessionNames.sourceIdentity(namespace, name),
                  tags)),
          null);
    } catch (RuntimeException e) {
      return new Result(null, StsErrorClassifier.classify(e, ctx));
    }
  }

  /** Exactly one of the two is set. */
  record Result(IssuedCredentials credentials, StsFailure failure) {}
}
