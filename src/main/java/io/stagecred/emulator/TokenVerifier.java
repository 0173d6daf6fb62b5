package io.stagecred.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads a web identity token (compact JWT) and checks it the way STS checks an OIDC token:
 * well-formed, RS256-signed by a trusted issuer's JWKS key, and inside its validity window.
 */
final class TokenVerifier {
  /** STS tolerates some clock difference between the identity provider and AWS. */
  static final Duration SKEW = Duration.ofMinutes(5);

  /** The claims of a verified token that the trust rules and the response need. */
  record Verified(String issuer, String subject, List<String> audiences) {}

  /** Public keys by issuer URL, then by kid, read from each trusted issuer's JWKS document. */
  private final Map<String, Map<String, PublicKey>> keys = new ConcurrentHashMap<>();

  void trust(JwtIssuer issuer) {
    trust(issuer.issuer(), issuer.jwksJson());
  }

  /** Trusts the keys of {@code jwks} (a JWKS document) for tokens whose iss is {@code issuer}. */
  void trust(String issuer, String jwks) {
    keys.computeIfAbsent(issuer, k -> new ConcurrentHashMap<>()).putAll(parseJwks(jwks));
  }

  Verified verify(String token, Instant now) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw StsError.invalidIdentityToken("The ID Token provided is not a valid JWT.");
    }
    JsonNode header = decodeJson(parts[0]);
    JsonNode claims = decodeJson(parts[1]);
    byte[] signature = decode(parts[2]);

    String iss = text(claims, "iss");
    Map<String, PublicKey> issuerKeys = iss == null ? null : keys.get(iss);
    if (issuerKeys == null) {
      throw StsError.invalidIdentityToken(
          "No OpenIDConnect provider found in your account for " + (iss == null ? "<none>" : iss));
    }
    if (!"RS256".equals(text(header, "alg"))) {
      throw StsError.invalidIdentityToken("Unsupported token signing algorithm; expected RS256");
    }
    String kid = text(header, "kid");
    PublicKey key =
        kid == null && issuerKeys.size() == 1
            ? issuerKeys.values().iterator().next()
            : kid == null ? null : issuerKeys.get(kid);
    if (key == null) {
      throw StsError.invalidIdentityToken(
          "The key id (kid) of the token is not in the provider's JWKS");
    }
    if (!signatureValid(key, parts[0] + "." + parts[1], signature)) {
      throw StsError.invalidIdentityToken(
          "Couldn't verify the signature of the web identity token");
    }

    Instant exp = epoch(claims, "exp");
    if (exp == null) {
      throw StsError.invalidIdentityToken("The web identity token has no exp claim");
    }
    if (!now.isBefore(exp)) {
      // real STS words it this way (in epoch seconds), and never echoes the token
      throw new StsError(
          "ExpiredTokenException",
          400,
          "Token expired: current date/time "
              + now.getEpochSecond()
              + " must be before the expiration date/time "
              + exp.getEpochSecond());
    }
    for (String claim : List.of("nbf", "iat")) {
      Instant t = epoch(claims, claim);
      if (t != null && t.isAfter(now.plus(SKEW))) {
        throw StsError.invalidIdentityToken(
            "Token is not yet valid: '" + claim + "' is in the future");
      }
    }
    String sub = text(claims, "sub");
    if (sub == null || sub.isEmpty()) {
      throw StsError.invalidIdentityToken("The web identity token has no sub claim");
    }
    return new Verified(iss, sub, audiences(claims.get("aud")));
  }

  private static boolean signatureValid(PublicKey key, String signingInput, byte[] signature) {
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(key);
      verifier.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** aud may be a single string or an array of strings (RFC 7519, section 4.1.3). */
  private static List<String> audiences(JsonNode aud) {
    List<String> result = new ArrayList<>();
    if (aud != null && aud.isTextual()) {
      result.add(aud.asText());
    } else if (aud != null && aud.isArray()) {
      aud.forEach(
          a -> {
            if (a.isTextual()) {
              result.add(a.asText());
            }
          });
    }
    return result;
  }

  private static Map<String, PublicKey> parseJwks(String jwks) {
    try {
      Map<String, PublicKey> result = new ConcurrentHashMap<>();
      KeyFactory rsa = KeyFactory.getInstance("RSA");
      for (JsonNode jwk : JwtIssuer.JSON.readTree(jwks).path("keys")) {
        if ("RSA".equals(jwk.path("kty").asText())) {
          BigInteger n = new BigInteger(1, decode(jwk.path("n").asText()));
          BigInteger e = new BigInteger(1, decode(jwk.path("e").asText()));
          result.put(jwk.path("kid").asText(""), rsa.generatePublic(new RSAPublicKeySpec(n, e)));
        }
      }
      return result;
    } catch (IOException | GeneralSecurityException | StsError e) {
      throw new IllegalArgumentException("not a usable JWKS document", e);
    }
  }

  private static JsonNode decodeJson(String part) {
    try {
      JsonNode node = JwtIssuer.JSON.readTree(decode(part));
      if (node != null && node.isObject()) {
        return node;
      }
    } catch (IOException e) {
      // falls through to the same answer as any other malformed token
    }
    throw StsError.invalidIdentityToken("The ID Token provided is not a valid JWT.");
  }

  private static byte[] decode(String base64url) {
    try {
      return Base64.getUrlDecoder().decode(base64url);
    } catch (IllegalArgumentException e) {
      throw StsError.invalidIdentityToken("The ID Token provided is not a valid JWT.");
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v != null && v.isTextual() ? v.asText() : null;
  }

  private static Instant epoch(JsonNode node, String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      return null;
    }
    if (!v.isNumber()) {
      throw StsError.invalidIdentityToken("The '" + field + "' claim is not a number");
    }
    return Instant.ofEpochSecond(v.asLong());
  }
}
