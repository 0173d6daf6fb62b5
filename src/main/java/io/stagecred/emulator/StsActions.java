package io.stagecred.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The three STS actions: reads their parameters, applies the checks real STS applies (in its
 * order), issues credentials and writes the XML answer. Failures are thrown as {@link StsError}.
 */
final class StsActions {
  static final String VERSION = "2011-06-15";
  static final int DEFAULT_DURATION = 3600;

  /** STS caps role-chained sessions at one hour whatever the role allows. */
  static final int CHAIN_LIMIT = 3600;

  /**
   * A made-up packing budget: real STS compresses policies and tags, so this only approximates it.
   */
  static final int PACKED_BUDGET_CHARS = 10240;

  private final TokenVerifier tokens;
  private final TrustPolicy trust;
  private final CredentialStore store;
  private final long lifetimeDivisor;
  private final Map<String, Long> roleDivisors = new ConcurrentHashMap<>();

  StsActions(TokenVerifier tokens, TrustPolicy trust, CredentialStore store, long lifetimeDivisor) {
    this.tokens = tokens;
    this.trust = trust;
    this.store = store;
    this.lifetimeDivisor = lifetimeDivisor;
  }

  /** Overrides the lifetime divisor for one role. */
  void lifetimeDivisor(String roleArn, long divisor) {
    roleDivisors.put(roleArn, divisor);
  }

  String handle(
      QueryParams p, SigV4Verifier.Request r, CallDraft d, Instant now, String requestId) {
    return switch (d.action) {
      case "AssumeRoleWithWebIdentity" -> assumeRoleWithWebIdentity(p, d, now, requestId);
      case "AssumeRole" -> assumeRole(p, r, d, now, requestId);
      case "GetCallerIdentity" -> getCallerIdentity(r, d, now, requestId);
      default ->
          throw new StsError(
              "InvalidAction",
              400,
              "Could not find operation "
                  + (d.action.length() > 64 ? d.action.substring(0, 64) + "..." : d.action)
                  + " for version "
                  + VERSION);
    };
  }

  private String assumeRoleWithWebIdentity(
      QueryParams p, CallDraft d, Instant now, String requestId) {
    String token = p.get("WebIdentityToken");
    store.noteSecret(token);
    Validator v = new Validator();
    validateRoleArn(v, p.get("RoleArn"));
    v.name("roleSessionName", p.get("RoleSessionName"), true);
    v.notNull("webIdentityToken", token).length("webIdentityToken", token, 4, 20000, true);
    Integer duration = duration(v, p.get("DurationSeconds"));
    v.length("policy", p.get("Policy"), 1, 2048, false);
    v.throwIfAny();
    checkPolicyJson(p.get("Policy"));

    TokenVerifier.Verified t = tokens.verify(token, now);
    d.subject = t.subject();
    RoleArn role = RoleArn.parse(p.get("RoleArn")).orElseThrow();
    TrustPolicy.WebDecision decision = trust.webIdentity(role.arn(), t.subject(), t.audiences());
    if (decision.wrongAudience()) {
      throw StsError.invalidIdentityToken("Incorrect token audience");
    }
    if (!decision.allowed()) {
      throw StsError.accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity");
    }
    int seconds = duration == null ? DEFAULT_DURATION : duration;
    checkMaxSessionDuration(role, seconds);
    IssuedSession s =
        store.issue(
            role,
            p.get("RoleSessionName"),
            expiration(now, role.arn(), seconds),
            Map.of(),
            List.of(),
            null);
    d.issuedAccessKeyId = s.accessKeyId();
    return StsXml.assumeRoleWithWebIdentity(
        s, t.subject(), t.issuer(), decision.audience(), requestId);
  }

  private String assumeRole(
      QueryParams p, SigV4Verifier.Request r, CallDraft d, Instant now, String requestId) {
    IssuedSession caller = authenticate(r, d, now);
    String externalId = p.get("ExternalId");
    String sourceIdentity = p.get("SourceIdentity");
    List<QueryParams.Tag> tags = p.tags("Tags");
    List<String> transitive = p.members("TransitiveTagKeys");
    Validator v = new Validator();
    validateRoleArn(v, p.get("RoleArn"));
    v.name("roleSessionName", p.get("RoleSessionName"), true);
    Integer duration = duration(v, p.get("DurationSeconds"));
    v.length("externalId", externalId, 2, 1224, true)
        .pattern("externalId", externalId, Validator.EXTERNAL_ID_PATTERN, true);
    v.name("sourceIdentity", sourceIdentity, false);
    v.length("policy", p.get("Policy"), 1, 2048, false);
    validateTags(v, tags, transitive);
    v.throwIfAny();
    checkPolicyJson(p.get("Policy"));

    int seconds = duration == null ? DEFAULT_DURATION : duration;
    if (seconds > CHAIN_LIMIT) {
      // every caller here holds assumed-role credentials, so every AssumeRole is role chaining
      throw StsError.validation(
          "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role"
              + " chaining.");
    }
    RoleArn role = RoleArn.parse(p.get("RoleArn")).orElseThrow();
    StsError denied =
        StsError.accessDenied(
            "User: "
                + caller.assumedRoleArn()
                + " is not authorized to perform: sts:AssumeRole on resource: "
                + role.arn());
    if (!trust.mayChain(role.arn(), caller)) {
      throw denied;
    }
    String requiredExternalId = trust.requiredExternalId(role.arn()).orElse(null);
    if (requiredExternalId != null
        && (externalId == null
            || !MessageDigest.isEqual(
                requiredExternalId.getBytes(StandardCharsets.UTF_8),
                externalId.getBytes(StandardCharsets.UTF_8)))) {
      throw denied;
    }
    checkMaxSessionDuration(role, seconds);
    if (caller.sourceIdentity() != null
        && sourceIdentity != null
        && !caller.sourceIdentity().equals(sourceIdentity)) {
      throw StsError.accessDenied(
          "User: "
              + caller.assumedRoleArn()
              + " is not authorized to change the source identity set earlier in the role chain");
    }

    // transitive tags of the calling session carry over and may not be overridden (as in real STS)
    Map<String, String> sessionTags = new LinkedHashMap<>();
    Set<String> inheritedLower = new HashSet<>();
    for (String key : caller.transitiveTagKeys()) {
      if (caller.tags().containsKey(key)) {
        sessionTags.put(key, caller.tags().get(key));
        inheritedLower.add(key.toLowerCase(Locale.ROOT));
      }
    }
    for (QueryParams.Tag tag : tags) {
      if (inheritedLower.contains(tag.key().toLowerCase(Locale.ROOT))) {
        throw new StsError(
            "InvalidParameterValue",
            400,
            "One or more session tags conflict with"
                + " transitive session tags inherited from the calling session: "
                + tag.key());
      }
      sessionTags.put(tag.key(), tag.value());
    }
    Set<String> sessionTransitive = new LinkedHashSet<>();
    caller.transitiveTagKeys().stream()
        .filter(caller.tags()::containsKey)
        .forEach(sessionTransitive::add);
    sessionTransitive.addAll(transitive);

    int packed = packedPolicySize(p.get("Policy"), tags);
    if (packed > 100) {
      throw new StsError(
          "PackedPolicyTooLarge",
          400,
          "Packed size of consumed session policies and session tags exceeds the limit ("
              + packed
              + "%)");
    }
    String effectiveSourceIdentity =
        sourceIdentity != null ? sourceIdentity : caller.sourceIdentity();
    IssuedSession s =
        store.issue(
            role,
            p.get("RoleSessionName"),
            expiration(now, role.arn(), seconds),
            sessionTags,
            List.copyOf(sessionTransitive),
            effectiveSourceIdentity);
    d.issuedAccessKeyId = s.accessKeyId();
    return StsXml.assumeRole(s, effectiveSourceIdentity, packed, requestId);
  }

  private String getCallerIdentity(
      SigV4Verifier.Request r, CallDraft d, Instant now, String requestId) {
    return StsXml.getCallerIdentity(authenticate(r, d, now), requestId);
  }

  /**
   * Authenticates a signed request as one of the issued sessions. Expiry is checked before the
   * request date and signature so that a test that moves the clock past expiry sees ExpiredToken,
   * not a skew error.
   */
  private IssuedSession authenticate(SigV4Verifier.Request r, CallDraft d, Instant now) {
    if (!SigV4Verifier.isSigned(r)) {
      throw new StsError(
          "MissingAuthenticationToken", 403, "Request is missing Authentication Token");
    }
    SigV4Verifier.Authorization auth = SigV4Verifier.parse(r);
    d.accessKeyIdUsed = auth.accessKeyId();
    String token = r.first("X-Amz-Security-Token");
    store.noteSecret(token);
    IssuedSession s = store.find(auth.accessKeyId()).orElseThrow(StsError::invalidClientTokenId);
    if (token == null
        || !MessageDigest.isEqual(
            token.getBytes(StandardCharsets.UTF_8),
            s.sessionToken().getBytes(StandardCharsets.UTF_8))) {
      throw StsError.invalidClientTokenId();
    }
    if (s.expiredAt(now)) {
      throw new StsError(
          "ExpiredToken", 400, "The security token included in the request is expired");
    }
    SigV4Verifier.verify(r, auth, s.secretAccessKey(), now);
    d.subject = s.roleArn();
    return s;
  }

  /**
   * Expiration = now + DurationSeconds / divisor, at least one second, on whole seconds like STS.
   */
  private Instant expiration(Instant now, String roleArn, int durationSeconds) {
    long divisor = roleDivisors.getOrDefault(roleArn, lifetimeDivisor);
    return now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(Math.max(1, durationSeconds / divisor));
  }

  private void checkMaxSessionDuration(RoleArn role, int seconds) {
    if (seconds > trust.maxSessionDuration(role.arn())) {
      throw StsError.validation(
          "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
    }
  }

  private static void validateRoleArn(Validator v, String roleArn) {
    v.notNull("roleArn", roleArn).length("roleArn", roleArn, 20, 2048, false);
    if (roleArn != null && RoleArn.parse(roleArn).isEmpty()) {
      v.fail(
          "roleArn",
          roleArn,
          "Member must satisfy regular expression pattern: " + RoleArn.PATTERN_TEXT);
    }
  }

  private static Integer duration(Validator v, String value) {
    if (value == null) {
      return null;
    }
    try {
      Integer seconds = Integer.valueOf(value.trim());
      v.range("durationSeconds", seconds, 900, 43200);
      return seconds;
    } catch (NumberFormatException e) {
      v.fail("durationSeconds", value, "Member must be a number");
      return null;
    }
  }

  private static void validateTags(
      Validator v, List<QueryParams.Tag> tags, List<String> transitive) {
    if (tags.size() > 50) {
      v.fail("tags", tags.size() + " tags", "Member must have length less than or equal to 50");
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < tags.size(); i++) {
      QueryParams.Tag tag = tags.get(i);
      String at = "tags." + (i + 1) + ".member.";
      v.notNull(at + "key", tag.key())
          .length(at + "key", tag.key(), 1, 128, false)
          .pattern(at + "key", tag.key(), Validator.TAG_PATTERN, false);
      v.notNull(at + "value", tag.value())
          .length(at + "value", tag.value(), 0, 256, false)
          .pattern(at + "value", tag.value(), Validator.TAG_PATTERN, false);
      if (tag.key() != null && !seen.add(tag.key().toLowerCase(Locale.ROOT))) {
        v.fail(
            at + "key",
            tag.key(),
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
      }
    }
    if (transitive.size() > 50) {
      v.fail(
          "transitiveTagKeys",
          transitive.size() + " keys",
          "Member must have length less than or equal to 50");
    }
    for (int i = 0; i < transitive.size(); i++) {
      String at = "transitiveTagKeys." + (i + 1) + ".member";
      v.length(at, transitive.get(i), 1, 128, false)
          .pattern(at, transitive.get(i), Validator.TAG_PATTERN, false);
    }
  }

  private static void checkPolicyJson(String policy) {
    if (policy == null) {
      return;
    }
    try {
      if (JwtIssuer.JSON.readTree(policy).isObject()) {
        return;
      }
    } catch (java.io.IOException e) {
      // reported below
    }
    throw new StsError(
        "MalformedPolicyDocument", 400, "The policy is not in the valid JSON format.");
  }

  private static int packedPolicySize(String policy, List<QueryParams.Tag> tags) {
    long chars = policy == null ? 0 : policy.length();
    for (QueryParams.Tag tag : tags) {
      chars += tag.key().length() + tag.value().length();
    }
    return (int) Math.ceil(chars * 100.0 / PACKED_BUDGET_CHARS);
  }
}
