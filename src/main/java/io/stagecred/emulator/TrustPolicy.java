package io.stagecred.emulator;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The emulator's stand-in for IAM role trust policies: which web identities and which calling roles
 * may assume a role, the ExternalId a role demands, and the role's MaxSessionDuration.
 */
final class TrustPolicy {
  static final int DEFAULT_MAX_SESSION_SECONDS = 3600;

  /** A null audience accepts any aud. */
  record WebIdentityRule(Glob role, Glob subject, String audience) {}

  record ChainRule(Glob role, Glob caller) {}

  /**
   * Outcome of the web identity trust check; {@code audience} is the aud the matching rule
   * accepted.
   */
  record WebDecision(boolean allowed, boolean wrongAudience, String audience) {}

  private final List<WebIdentityRule> webRules = new CopyOnWriteArrayList<>();
  private final List<ChainRule> chainRules = new CopyOnWriteArrayList<>();
  private final Map<String, String> externalIds = new ConcurrentHashMap<>();
  private final Map<String, Integer> maxDurations = new ConcurrentHashMap<>();
  private volatile boolean permissive;

  void allowWebIdentity(String roleGlob, String subjectGlob, String audience) {
    webRules.add(new WebIdentityRule(Glob.of(roleGlob), Glob.of(subjectGlob), audience));
  }

  void allowAssumeRole(String roleGlob, String callerGlob) {
    chainRules.add(new ChainRule(Glob.of(roleGlob), Glob.of(callerGlob)));
  }

  void requireExternalId(String roleArn, String externalId) {
    externalIds.put(roleArn, externalId);
  }

  void maxSessionDuration(String roleArn, int seconds) {
    if (seconds < 3600 || seconds > 43200) {
      throw new IllegalArgumentException("IAM allows a MaxSessionDuration of 3600..43200 seconds");
    }
    maxDurations.put(roleArn, seconds);
  }

  void permissive(boolean on) {
    permissive = on;
  }

  /**
   * Like STS: a token whose aud no rule of the role accepts is an invalid token, while a role
   * without a rule for this subject is an authorization failure.
   */
  WebDecision webIdentity(String roleArn, String subject, List<String> audiences) {
    String firstAud = audiences.isEmpty() ? null : audiences.get(0);
    if (permissive) {
      return new WebDecision(true, false, firstAud);
    }
    List<WebIdentityRule> forRole =
        webRules.stream().filter(r -> r.role().matches(roleArn)).toList();
    if (forRole.isEmpty()) {
      return new WebDecision(false, false, null);
    }
    List<WebIdentityRule> forAudience =
        forRole.stream()
            .filter(r -> r.audience() == null || audiences.contains(r.audience()))
            .toList();
    if (forAudience.isEmpty()) {
      return new WebDecision(false, true, null);
    }
    return forAudience.stream()
        .filter(r -> r.subject().matches(subject))
        .findFirst()
        .map(r -> new WebDecision(true, false, r.audience() == null ? firstAud : r.audience()))
        .orElse(new WebDecision(false, false, null));
  }

  /**
   * A chain rule's caller glob may name the caller's role ARN or its assumed-role (session) ARN.
   */
  boolean mayChain(String roleArn, IssuedSession caller) {
    return permissive
        || chainRules.stream()
            .anyMatch(
                r ->
                    r.role().matches(roleArn)
                        && (r.caller().matches(caller.roleArn())
                            || r.caller().matches(caller.assumedRoleArn())));
  }

  Optional<String> requiredExternalId(String roleArn) {
    return Optional.ofNullable(externalIds.get(roleArn));
  }

  int maxSessionDuration(String roleArn) {
    return maxDurations.getOrDefault(roleArn, DEFAULT_MAX_SESSION_SECONDS);
  }
}
