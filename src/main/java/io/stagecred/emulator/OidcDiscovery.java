package io.stagecred.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import javax.net.ssl.SSLContext;

/**
 * Reads an OIDC provider's discovery document and JWKS over HTTPS, as IAM does when an OpenID
 * Connect provider is registered; the emulator then trusts tokens signed with those keys.
 */
final class OidcDiscovery {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private OidcDiscovery() {}

  /** The JWKS document of {@code issuer}, found through its discovery document. */
  static String jwks(URI issuer, SSLContext tls) {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .sslContext(tls)
            .connectTimeout(TIMEOUT)
            .build();
    String base = issuer.toString().replaceAll("/+$", "");
    JsonNode discovery = json(get(http, URI.create(base + "/.well-known/openid-configuration")));
    String named = discovery.path("issuer").asText("");
    if (!named.equals(issuer.toString())) {
      throw new IllegalArgumentException(
          "the discovery document of " + issuer + " names another issuer: " + named);
    }
    String jwksUri = discovery.path("jwks_uri").asText("");
    if (!jwksUri.startsWith("https://")) {
      throw new IllegalArgumentException(
          "the discovery document of " + issuer + " has no https jwks_uri");
    }
    return get(http, URI.create(jwksUri));
  }

  private static String get(HttpClient http, URI uri) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalArgumentException(uri + " answered HTTP " + response.statusCode());
      }
      return response.body();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + uri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + uri, e);
    }
  }

  private static JsonNode json(String body) {
    try {
      return JwtIssuer.JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("the discovery document is not JSON", e);
    }
  }
}
