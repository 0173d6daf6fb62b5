package io.stagecred.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatus;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process Kubernetes API: the Fabric8 mock server in CRUD mode, plus the TokenRequest
 * subresource (which CRUD mode lacks), answered with tokens from a {@link TokenMinter}, the way a
 * cluster's service-account issuer signs projected tokens.
 */
public final class EmbeddedKubernetes implements AutoCloseable {

  private static final Pattern TOKEN_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/serviceaccounts/([^/?]+)/token(\\?.*)?$");

  private final KubernetesMockServer server;

  public EmbeddedKubernetes(TokenMinter minter, Clock clock) {
    this.server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new TokenRequestDispatcher(minter, clock),
            false);
  }

  /** Starts listening on 127.0.0.1 (an ephemeral port). */
  public EmbeddedKubernetes start() {
    server.init(InetAddress.getLoopbackAddress(), 0);
    return this;
  }

  /** The API server URL to give a Kubernetes client. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.destroy();
  }

  /** CRUD dispatcher that also mints service-account tokens for existing service accounts. */
  private static final class TokenRequestDispatcher extends KubernetesCrudDispatcher {
    private final TokenMinter minter;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    TokenRequestDispatcher(TokenMinter minter, Clock clock) {
      super(List.of());
      this.minter = minter;
      this.clock = clock;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Matcher m = TOKEN_PATH.matcher(request.getPath());
      if (m.matches() && "POST".equalsIgnoreCase(request.getMethod())) {
        return mintToken(m.group(1), m.group(2), request.getUtf8Body());
      }
      return super.dispatch(request);
    }

    private MockResponse mintToken(String namespace, String serviceAccount, String body) {
      MockResponse existing =
          handleGet("/api/v1/namespaces/" + namespace + "/serviceaccounts/" + serviceAccount);
      if (existing.code() != 200) {
        return status(404, "NotFound", "serviceaccounts \"" + serviceAccount + "\" not found");
      }
      TokenRequest request;
      try {
        JsonNode tree = mapper.readTree(body);
        request = mapper.treeToValue(tree, TokenRequest.class);
      } catch (IOException e) {
        return status(400, "BadRequest", "the body is not a TokenRequest");
      }
      List<String> audiences =
          request.getSpec() == null ? List.of() : request.getSpec().getAudiences();
      if (audiences == null || audiences.isEmpty()) {
        return status(400, "BadRequest", "spec.audiences: at least one audience is required here");
      }
      long seconds =
          request.getSpec().getExpirationSeconds() == null
              ? 3600
              : Math.max(600, request.getSpec().getExpirationSeconds());
      Instant now = clock.instant();
      Instant expires = now.plusSeconds(seconds);
      String token =
          minter.mint(
              "system:serviceaccount:" + namespace + ":" + serviceAccount,
              audiences.get(0),
              now,
              expires);
      request.setStatus(new TokenRequestStatus(expires.toString(), token));
      request.getSpec().setExpirationSeconds(seconds);
      return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(request));
    }

    private static MockResponse status(int code, String reason, String message) {
      String json =
          "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"code\":"
              + code
              + ",\"reason\":\""
              + reason
              + "\",\"message\":"
              + Serialization.asJson(message)
              + "}";
      return new MockResponse().setResponseCode(code).setBody(json);
    }
  }
}
