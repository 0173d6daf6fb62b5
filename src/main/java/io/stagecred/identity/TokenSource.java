package io.stagecred.identity;

import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.stagecred.config.StagecredConfig;

/**
 * Obtains web-identity tokens: minted for a service account through the TokenRequest API, or read
 * from the operator's own projected token file (re-read on every call because the kubelet rotates
 * it).
 */
public class TokenSource {

  private final KubernetesClient client;
  private final StagecredConfig config;

  public TokenSource(KubernetesClient client, StagecredConfig config) {
    this.client = client;
    this.config = config;
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
    TokenRequest request =
        new TokenRequestBuilder()
            .withNewSpec()
            .addToAudiences(audience)
            .withExpirationSeconds(config.tokenRequest().expiration().toSeconds())
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
      return answer.getStatus().getToken();
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
