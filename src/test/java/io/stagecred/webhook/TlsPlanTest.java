package io.stagecred.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * When the webhook's certificates are made and renewed: serving certificates by the same CA once a
 * third of their life is left, the CA in two steps (into the trusted bundle first, signing only
 * after the overlap), and what a Secret holds read back as written.
 */
class TlsPlanTest {

  private static final Instant T0 = Instant.parse("2026-12-01T00:00:00Z");
  private static final Duration CA = Duration.ofDays(365);
  private static final Duration CERT = Duration.ofDays(90);
  private static final Duration OVERLAP = Duration.ofMinutes(2);
  private static final TlsPlan.Policy POLICY =
      new TlsPlan.Policy(
          CA,
          CERT,
          OVERLAP,
          List.of("stagecred-webhook.stagecred-system.svc", "stagecred-webhook"),
          List.of("127.0.0.1"));

  private static TlsMaterial first() {
    return TlsPlan.next(Optional.empty(), POLICY, T0);
  }

  private static void assertSignedBy(X509Certificate cert, X509Certificate ca)
      throws GeneralSecurityException {
    cert.verify(ca.getPublicKey());
    assertThat(cert.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
  }

  private static List<String> bundle(TlsMaterial m) {
    return Certificates.parse(m.bundle()).stream()
        .map(c -> c.getSubjectX500Principal().getName())
        .toList();
  }

  @Test
  void theFirstCheckMakesACaAndAServingCertificateForTheServiceAndTheAddresses() throws Exception {
    TlsMaterial m = first();
    X509Certificate ca = m.ca().parsed();
    X509Certificate serving = m.serving().parsed();
    assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);
    assertSignedBy(ca, ca);
    assertSignedBy(serving, ca);
    assertThat(serving.getBasicConstraints()).as("not a CA").isEqualTo(-1);
    assertThat(serving.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    Collection<List<?>> names = serving.getSubjectAlternativeNames();
    assertThat(names.stream().map(n -> n.get(1).toString()).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(
            "stagecred-webhook.stagecred-system.svc", "stagecred-webhook", "127.0.0.1");
    assertThat(serving.getNotAfter().toInstant()).isEqualTo(T0.plus(CERT));
    assertThat(ca.getNotAfter().toInstant()).isEqualTo(T0.plus(CA));
    assertThat(m.bundle()).isEqualTo(m.ca().certificate());
    assertThat(m.nextCa()).isEmpty();
  }

  @Test
  void nothingChangesBeforeAThirdOfALifetimeIsLeft() {
    TlsMaterial m = first();
    Instant justBefore = T0.plus(CERT).minus(CERT.dividedBy(3)).minusSeconds(1);
    assertThat(TlsPlan.next(Optional.of(m), POLICY, justBefore)).isSameAs(m);
  }

  @Test
  void theServingCertificateIsRenewedByTheSameCaOnceAThirdOfItsLifeIsLeft() throws Exception {
    TlsMaterial m = first();
    Instant due = T0.plus(CERT).minus(CERT.dividedBy(3));
    TlsMaterial renewed = TlsPlan.next(Optional.of(m), POLICY, due);
    assertThat(renewed.serving().certificate()).isNotEqualTo(m.serving().certificate());
    assertThat(renewed.serving().key()).isNotEqualTo(m.serving().key());
    assertThat(renewed.ca()).isEqualTo(m.ca());
    assertThat(renewed.bundle()).isEqualTo(m.bundle());
    assertSignedBy(renewed.serving().parsed(), m.ca().parsed());
    assertThat(renewed.serving().parsed().getNotAfter().toInstant()).isEqualTo(due.plus(CERT));
  }

  @Test
  void newNamesGetANewServingCertificateAtOnce() {
    TlsMaterial m = first();
    TlsPlan.Policy renamed =
        new TlsPlan.Policy(CA, CERT, OVERLAP, List.of("webhook.other.svc"), List.of());
    TlsMaterial next = TlsPlan.next(Optional.of(m), renamed, T0.plusSeconds(60));
    assertThat(next.serving().certificate()).isNotEqualTo(m.serving().certificate());
    assertThat(next.ca()).isEqualTo(m.ca());
  }

  @Test
  void aNewCaIsTrustedForTheOverlapBeforeItSigns() throws Exception {
    TlsMaterial m = first();
    // Keep the serving certificate fresh up to the CA's turn, as the checks would have.
    Instant caDue = T0.plus(CA).minus(CA.dividedBy(3));
    TlsMaterial fresh = TlsPlan.next(Optional.of(m), POLICY, caDue.minus(CERT.dividedBy(2)));
    assertThat(fresh.serving().certificate()).isNotEqualTo(m.serving().certificate());

    TlsMaterial staged = TlsPlan.next(Optional.of(fresh), POLICY, caDue);
    assertThat(staged.nextCa()).isPresent();
    assertThat(staged.nextSince()).contains(caDue);
    assertThat(staged.ca()).isEqualTo(fresh.ca());
    assertThat(staged.serving()).as("still signed by the old CA").isEqualTo(fresh.serving());
    assertThat(bundle(staged))
        .containsExactly(
            fresh.ca().parsed().getSubjectX500Principal().getName(),
            staged.nextCa().get().parsed().getSubjectX500Principal().getName());

    Instant inOverlap = caDue.plus(OVERLAP).minusSeconds(1);
    assertThat(TlsPlan.next(Optional.of(staged), POLICY, inOverlap)).isSameAs(staged);

    TlsMaterial promoted = TlsPlan.next(Optional.of(staged), POLICY, caDue.plus(OVERLAP));
    assertThat(promoted.ca()).isEqualTo(staged.nextCa().get());
    assertThat(promoted.nextCa()).isEmpty();
    assertSignedBy(promoted.serving().parsed(), promoted.ca().parsed());
    assertThat(bundle(promoted))
        .as("the old CA stays trusted beside the new one")
        .containsExactly(
            promoted.ca().parsed().getSubjectX500Principal().getName(),
            fresh.ca().parsed().getSubjectX500Principal().getName());
  }

  @Test
  void aServingCertificateNeverOutlivesItsCa() {
    TlsPlan.Policy shortCa =
        new TlsPlan.Policy(Duration.ofDays(30), CERT, OVERLAP, List.of("w"), List.of());
    TlsMaterial m = TlsPlan.next(Optional.empty(), shortCa, T0);
    assertThat(m.serving().parsed().getNotAfter()).isEqualTo(m.ca().parsed().getNotAfter());
  }

  @Test
  void theSecretHoldsWhatWasWrittenAndADamagedOneCountsAsNone() {
    TlsMaterial staged =
        TlsPlan.next(Optional.of(first()), POLICY, T0.plus(CA).minus(CA.dividedBy(3)));
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName("stagecred-webhook-tls")
            .withAnnotations(staged.annotations())
            .endMetadata()
            .withData(staged.data())
            .build();
    assertThat(TlsMaterial.from(secret)).contains(staged);
    assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt");

    Secret damaged = new SecretBuilder(secret).addToData("tls.key", "bm90IGEga2V5").build();
    assertThat(TlsMaterial.from(damaged)).isEmpty();
    Secret partial =
        new SecretBuilder(secret)
            .withData(Map.of("tls.crt", secret.getData().get("tls.crt")))
            .build();
    assertThat(TlsMaterial.from(partial)).isEmpty();
    assertThat(TlsMaterial.from(null)).isEmpty();
  }
}
