package io.stagecred.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OIDC-like identity provider: holds an RSA-2048 key pair and writes RS256-signed JWTs and the
 * JWKS document that verifies them. Stands in for the Kubernetes service-account token issuer.
 */
public final class JwtIssuer {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private final String issuer;
  private final String kid;
  private final KeyPair keyPair;
  private final Set<String> minted = ConcurrentHashMap.newKeySet();

  /**
   * An issuer with a fresh URL https://oidc.stagecred.local/&lt;random id&gt; and a fresh key id.
   */
  public JwtIssuer() {
    this("https://oidc.stagecred.local/" + Ids.random(Ids.LOWER_ALNUM, 12));
  }

  public JwtIssuer(String issuer) {
    this(issuer, Ids.random(Ids.LOWER_ALNUM, 16));
  }

  /**
   * Two issuers built with the same URL and kid have different keys: handy to forge a bad
   * signature.
   */
  public JwtIssuer(String issuer, String kid) {
    this.issuer = Objects.requireNonNull(issuer, "issuer");
    this.kid = Objects.requireNonNull(kid, "kid");
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
      gen.initialize(2048);
      this.keyPair = gen.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("RSA is mandatory in every JDK", e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public String kid() {
    return kid;
  }

  public RSAPublicKey publicKey() {
    return (RSAPublicKey) keyPair.getPublic();
  }

  /** A compact RS256 JWT with iss, sub, aud (a string), iat, nbf (= iat) and exp. */
  public String mint(String subject, String audience, Instant issuedAt, Instant expiresAt) {
    return mint(subject, audience, issuedAt, expiresAt, Map.of());
  }

  /**
   * A projected service-account token like the kubelet's: sub
   * system:serviceaccount:&lt;ns&gt;:&lt;name&gt; and a {@code kubernetes.io} claim naming the
   * namespace and service account.
   */
  public String mintForServiceAccount(
      String namespace,
      String serviceAccount,
      String audience,
      Instant issuedAt,
      Instant expiresAt) {
    Map<String, Object> sa = new LinkedHashMap<>();
    sa.put("name", serviceAccount);
    // a stable fake uid: real tokens carry the service account object's uid
    String uid = namespace + "/" + serviceAccount;
    sa.put("uid", UUID.nameUUIDFromBytes(uid.getBytes(StandardCharsets.UTF_8)).toString());
    Map<String, Object> k8s = new LinkedHashMap<>();
    k8s.put("namespace", namespace);
    k8s.put("serviceaccount", sa);
    return mint(
        "system:serviceaccount:" + namespace + ":" + serviceAccount,
        audience,
        issuedAt,
        expiresAt,
        Map.of("kubernetes.io", k8s));
  }

  /**
   * Like {@link #mint(String, String, Instant, Instant)} plus extra claims (which cannot replace
   * the standard ones).
   */
  public String mint(
      String subject,
      String audience,
      Instant issuedAt,
      Instant expiresAt,
      Map<String, Object> extraClaims) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", "RS256");
    header.put("kid", kid);
    header.put("typ", "JWT");
    Map<String, Object> claims = new LinkedHashMap<>(extraClaims);
    claims.put("iss", issuer);
    claims.put("sub", Objects.requireNonNull(subject, "subject"));
    claims.put("aud", Objects.requireNonNull(audience, "audience"));
    claims.put("iat", issuedAt.getEpochSecond());
    claims.put("nbf", issuedAt.getEpochSecond());
    claims.put("exp", expiresAt.getEpochSecond());
    String signingInput =
        B64URL.encodeToString(json(header)) + "." + B64URL.encodeToString(json(claims));
    try {
      Signature signer = Signature.getInstance("SHA256withRSA");
      signer.initSign(keyPair.getPrivate());
      signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
      String token = signingInput + "." + B64URL.encodeToString(signer.sign());
      minted.add(token);
      return token;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("signing with a freshly generated RSA key failed", e);
    }
  }

  /**
   * The JSON Web Key Set ({"keys":[{kty, kid, use, alg, n, e}]}) holding this issuer's public key.
   */
  public String jwksJson() {
    Map<String, Object> jwk = new LinkedHashMap<>();
    jwk.put("kty", "RSA");
    jwk.put("kid", kid);
    jwk.put("use", "sig");
    jwk.put("alg", "RS256");
    jwk.put("n", B64URL.encodeToString(unsigned(publicKey().getModulus())));
    jwk.put("e", B64URL.encodeToString(unsigned(publicKey().getPublicExponent())));
    return new String(json(Map.of("keys", List.of(jwk))), StandardCharsets.UTF_8);
  }

  /**
   * Every token this issuer minted; they are bearer secrets, so tests check none of them got
   * logged.
   */
  public Set<String> mintedTokens() {
    return Set.copyOf(minted);
  }

  @Override
  public String toString() {
    return "JwtIssuer[issuer=" + issuer + ", kid=" + kid + "]";
  }

  /**
   * JWK integers are unsigned big-endian; BigInteger adds a 0 sign byte when the top bit is set.
   */
  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }

  private static byte[] json(Object value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("claims must be plain JSON values", e);
    }
  }
}
