package io.stagecred.identity;

import io.stagecred.failure.Failure;
import io.stagecred.failure.IdentityFailure;
import io.stagecred.sts.CallContext;
import io.stagecred.sts.IssuedCredentials;
import io.stagecred.sts.SessionNames;
import io.stagecred.sts.StsErrorClassifier;
import io.stagecred.sts.StsGateway;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Issues credentials for the stages of one resource during one pass (an operator reconciliation or
 * one sidecar refresh). The web-identity token and, when chaining, the source-role session are
 * fetched once and shared by the stages.
 */
public final class IssuingSession {

  /** Lifetime of the intermediate source-role session: it only lives through this pass. */
  private static final int SOURCE_SESSION_SECONDS = 900;

  private final String namespace;
  private final String name;
  private final String sourceRegion;
  private final IdentityPlan identity;
  private final Supplier<String> tokens;
  private final StsGateway sts;
  private String token;
  private IssuedCredentials source;

  /**
   * @param namespace and {@code name} name the sessions and tags (see {@link SessionNames})
   * @param sourceRegion where the source-role session is requested when chaining
   * @param tokens the web-identity token; may throw {@link IdentityUnavailableException}
   */
  public IssuingSession(
      String namespace,
      String name,
      String sourceRegion,
      IdentityPlan identity,
      Supplier<String> tokens,
      StsGateway sts) {
    this.namespace = namespace;
    this.name = name;
    this.sourceRegion = sourceRegion;
    this.identity = identity;
    this.tokens = tokens;
    this.sts = sts;
  }

  /** Either credentials for the stage or a classified failure; never throws for STS or identity. */
  public Result issue(IssueRequest request) {
    try {
      if (token == null) {
        token = tokens.get();
      }
    } catch (IdentityUnavailableException e) {
      return new Result(null, new IdentityFailure(e.getMessage()));
    }
    String sessionName = SessionNames.roleSessionName(namespace, name, request.stage());
    if (!identity.chained()) {
      CallContext ctx = CallContext.webIdentity(request.roleArn(), identity.subject());
      try {
        return new Result(
            sts.assumeRoleWithWebIdentity(
                request.region(), request.roleArn(), sessionName, request.durationSeconds(), token),
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
    tags.put("stagecred-stage", request.stage());
    tags.putAll(request.sessionTags());
    CallContext ctx = CallContext.assumeRole(request.roleArn(), sourceRole);
    try {
      return new Result(
          sts.assumeRole(
              request.region(),
              source,
              new StsGateway.ChainedRequest(
                  request.roleArn(),
                  sessionName,
                  request.durationSeconds(),
                  request.externalId(),
                  SessionNames.sourceIdentity(namespace, name),
                  tags)),
          null);
    } catch (RuntimeException e) {
      return new Result(null, StsErrorClassifier.classify(e, ctx));
    }
  }

  /** Exactly one of the two is set. */
  public record Result(IssuedCredentials credentials, Failure failure) {}
}
