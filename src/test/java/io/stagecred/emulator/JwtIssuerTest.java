package io.stagecred.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class JwtIssuerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant IAT = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant EXP = Instant.parse("2026-01-01T01:00:00Z");

  private final JwtIssuer issuer = new JwtIssuer();

  @Test
  void mintsACompactRs256TokenWithTheStandardClaims() throws Exception {
    String token = issuer.mint("system:serviceaccount:ci:deployer", "sts.amazonaws.com", IAT, EXP);

    String[] parts = token.split("\\.");
    assertThat(parts).hasSize(3);
    assertThat(token).doesNotContain("=", "+", "/");
    JsonNode header = decode(parts[0]);
    assertThat(header.get("alg").asText()).isEqualTo("RS256");
    assertThat(header.get("typ").asText()).isEqualTo("JWT");
    assertThat(header.get("kid").asText()).isEqualTo(issuer.kid());
    JsonNode claims = decode(parts[1]);
    assertThat(claims.get("iss").asText())
        .isEqualTo(issuer.issuer())
        .startsWith("https://oidc.stagecred.local/");
    assertThat(claims.get("sub").asText()).isEqualTo("system:serviceaccount:ci:deployer");
    assertThat(claims.get("aud").isTextual()).isTrue();
    assertThat(claims.get("aud").asText()).isEqualTo("sts.amazonaws.com");
    assertThat(claims.get("iat").asLong()).isEqualTo(IAT.getEpochSecond());
    assertThat(claims.get("nbf").asLong()).isEqualTo(IAT.getEpochSecond());
    assertThat(claims.get("exp").asLong()).isEqualTo(EXP.getEpochSecond());
    assertThat(issuer.mintedTokens()).containsExactly(token);
  }

  @Test
  void signatureVerifiesWithTheKeyPublishedInTheJwks() throws Exception {
    String token = issuer.mint("sub", "aud", IAT, EXP);

    JsonNode jwk = JSON.readTree(issuer.jwksJson()).get("keys").get(0);
    assertThat(jwk.get("kty").asText()).isEqualTo("RSA");
    assertThat(jwk.get("kid").asText()).isEqualTo(issuer.kid());
    // 2048-bit modulus = 256 unsigned bytes = 342 unpadded base64url characters (no sign byte)
    assertThat(jwk.get("n").asText()).hasSize(342).doesNotContain("=");
    assertThat(jwk.get("e").asText()).isEqualTo("AQAB");
    PublicKey key =
        KeyFactory.getInstance("RSA")
            .generatePublic(
                new RSAPublicKeySpec(
                    new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("n").asText())),
                    new BigInteger(1, Base64.getUrlDecoder().decode(jwk.get("e").asText()))));
    assertThat(key).isEqualTo(issuer.publicKey());

    int lastDot = token.lastIndexOf('.');
    Signature verifier = Signature.getInstance("SHA256withRSA");
    verifier.initVerify(key);
    verifier.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
    assertThat(verifier.verify(Base64.getUrlDecoder().decode(token.substring(lastDot + 1))))
        .isTrue();
  }

  @Test
  void serviceAccountTokensLookLikeProjectedKubernetesTokens() throws Exception {
    String token = issuer.mintForServiceAccount("ci", "deployer", "sts.amazonaws.com", IAT, EXP);

    JsonNode claims = decode(token.split("\\.")[1]);
    assertThat(claims.get("sub").asText()).isEqualTo("system:serviceaccount:ci:deployer");
    assertThat(claims.at("/kubernetes.io/namespace").asText()).isEqualTo("ci");
    assertThat(claims.at("/kubernetes.io/serviceaccount/name").asText()).isEqualTo("deployer");
  }

  @Test
  void toStringShowsNoKeyMaterial() throws Exception {
    String modulus = JSON.readTree(issuer.jwksJson()).at("/keys/0/n").asText();
    assertThat(issuer.toString())
        .contains(issuer.issuer(), issuer.kid())
        .doesNotContain(modulus.substring(0, 20));
  }

  private static JsonNode decode(String part) throws Exception {
    return JSON.readTree(Base64.getUrlDecoder().decode(part));
  }
}
