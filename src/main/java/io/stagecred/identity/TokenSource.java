package io.stagecred.identity;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagecred.config.StagecredConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Obtains web-identity tokens: minted for a service account through the TokenRequest API, or read
 * from the operator's own projected token file (re-read on every call because the kubelet rotates
 * it). A minted token is used again for a short while ({@link Minted}), so that resources sharing a
 * service account, or passes close together, do not mint one each.
 */
public class TokenSource {

  /**
   * Tokens minted lately, by namespace, service account and audience, each reused for at most a
   * minute (and half its lifetime): long enough for a burst of resources issued together to share
   * one, short enough that deleting a service account stops new credentials within a minute (STS
   * checks the token's signature and expiry, not whether its account still exists).
   */
  public static final class Minted {
    static final Duration REUSE = Duration.ofMinutes(1);
    private static final int MAX = 4096;

    private record Entry(String token, Instant reuseUntil) {}

    private final Map<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** Held while minting for {@code key}, so that passes at the same moment mint one token. */
    Object lock(String key) {
      return locks.computeIfAbsent(key, k -> new Object());
    }

    Optional<String> get(String key, Instant now) {
      Entry e = tokens.get(key);
      return e != null && now.isBefore(e.reuseUntil()) ? Optional.of(e.token()) : Optional.empty();
    }

    void put(String key, String token, Instant reuseUntil, Instant now) {
      if (tokens.size() >= MAX) {
        tokens.values().removeIf(e -> !now.isBefore(e.reuseUntil()));
      }
      if (tokens.size() < MAX) {
        tokens.put(key, new Entry(token, reuseUntil));
      }
    }
  }

  private final KubernetesClient client;
  private final StagecredConfig config;
  private final Clock clock;
  private final Minted minted;

  public TokenSource(KubernetesClient client, StagecredConfig config, Clock clock, Minted minted) {
    this.client = client;
    this.config = config;
    this.clock = clock;
    this.minted = minted;
  }

  /**
   * The token for {@code plan}; throws {@link IdentityUnavailableException} with a safe message.
   */
  public String token(IdentityPlan plan, String namespace) {
    return plan.operatorOwn()
        ? operatorToken()
        : serviceAccountToken(namespace, plan.serviceAccountName(), plan.audience());
  }

  private String serviceAccountToken(String namespace, String serviceAccount, String audience) {
    String key = namespace + "/" + serviceAccount + "/" + audience;
    synchronized (minted.lock(key)) {
      return mintOrReuse(key, namespace, serviceAccount, audience);
    }
  }

  private String mintOrReuse(String key, String namespace, String serviceAccount, String audience) {
    Instant now = clock.instant();
    Optional<String> reused = minted.get(key, now);
    if (reused.isPresent()) {
      return reused.get();
    }
    Duration lifetime = config.tokenRequest().expiration();
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .addToAudiences(audience)
            .withExpirationSeconds(lifetime.toSeconds())
            .endSpec()
            .build();
    try {
      TokenRequest answer =
          client
              .serviceAccounts()
              .inNamespace(namespace)
              .withName(serviceAccount)
              .tokenRequest(request);
      if (answer == null || answer.getStatus() == null || answer.getStatus().getToken() == null) {
        throw new IdentityUnavailableException(
            "the TokenRequest API returned no token for service account "
                + namespace
                + "/"
                + serviceAccount);
      }
      String token = answer.getStatus().getToken();
      Duration half = lifetime.dividedBy(2);
      minted.put(key, token, now.plus(half.compareTo(Minted.REUSE) < 0 ? half : Minted.REUSE), now);
      return token;
    } catch (KubernetesClientException e) {
      String why =
          switch (e.getCode()) {
            case 404 ->
                "it does not exist. Fix: create the service account or correct"
                    + " spec.identity.serviceAccountName";
            case 403 ->
                "the operator may not create serviceaccounts/token there. Fix: grant the"
                    + " operator's ClusterRole 'create' on serviceaccounts/token";
            default -> "the API server answered " + e.getCode();
          };
      throw new IdentityUnavailableException(
          "cannot mint a token for service account "
              + namespace
              + "/"
              + serviceAccount
              + ": "
              + why);
    }
  }

  private String operatorToken() {
    return new TokenFile(
            config.operatorIdentity().tokenFile(),
            "the operator's",
            "annotate the operator's service account with eks.amazonaws.com/role-arn (IRSA) so its"
                + " pod gets a projected token, or set spec.identity")
        .read();
  }
}
