package io.stagecred.webhook;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What the webhook's TLS Secret holds when the operator keeps it: the signing CA, the serving
 * certificate it signed, the bundle of CAs the API server is told to trust, and, during a CA
 * rotation, the next CA and since when the bundle has named it.
 *
 * <p>Keys: {@code tls.crt}, {@code tls.key} and {@code ca.crt} as cert-manager writes them (so
 * either may keep the Secret), plus {@code ca.key}, {@code ca-bundle.crt} and, while rotating,
 * {@code next-ca.crt} and {@code next-ca.key}.
 */
record TlsMaterial(
    Certificates.Issued ca,
    Certificates.Issued serving,
    String bundle,
    Optional<Certificates.Issued> nextCa,
    Optional<Instant> nextSince) {

  static final String TLS_CRT = "tls.crt";
  static final String TLS_KEY = "tls.key";
  static final String CA_CRT = "ca.crt";
  static final String CA_KEY = "ca.key";
  static final String BUNDLE = "ca-bundle.crt";
  static final String NEXT_CRT = "next-ca.crt";
  static final String NEXT_KEY = "next-ca.key";

  /** When the next CA entered the bundle. */
  static final String NEXT_SINCE = "stagecred.io/next-ca-since";

  /**
   * The material in {@code secret}; empty when it is absent or incomplete (the operator then makes
   * a new CA, which is what a deleted or hand-edited Secret calls for).
   */
  static Optional<TlsMaterial> from(Secret secret) {
    if (secret == null || secret.getData() == null) {
      return Optional.empty();
    }
    Map<String, String> d = secret.getData();
    Optional<String> caCrt = text(d, CA_CRT);
    Optional<String> caKey = text(d, CA_KEY);
    Optional<String> crt = text(d, TLS_CRT);
    Optional<String> key = text(d, TLS_KEY);
    Optional<String> bundle = text(d, BUNDLE);
    if (caCrt.isEmpty() || caKey.isEmpty() || crt.isEmpty() || key.isEmpty() || bundle.isEmpty()) {
      return Optional.empty();
    }
    Optional<Certificates.Issued> next =
        text(d, NEXT_CRT).flatMap(c -> text(d, NEXT_KEY).map(k -> new Certificates.Issued(c, k)));
    Optional<Instant> since =
        Optional.ofNullable(secret.getMetadata().getAnnotations())
            .map(a -> a.get(NEXT_SINCE))
            .map(Instant::parse);
    try {
      TlsMaterial material =
          new TlsMaterial(
              new Certificates.Issued(caCrt.get(), caKey.get()),
              new Certificates.Issued(crt.get(), key.get()),
              bundle.get(),
              next,
              next.isPresent() ? since.or(() -> Optional.of(Instant.EPOCH)) : Optional.empty());
      // Parse once here, so that a damaged Secret counts as absent rather than failing later.
      material.ca().parsed();
      material.serving().parsed();
      Certificates.privateKey(material.ca().key());
      Certificates.privateKey(material.serving().key());
      next.ifPresent(n -> Certificates.privateKey(n.key()));
      return Optional.of(material);
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The Secret's data (base64), as {@link #from} reads it. */
  Map<String, String> data() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put(TLS_CRT, b64(serving.certificate()));
    d.put(TLS_KEY, b64(serving.key()));
    d.put(CA_CRT, b64(ca.certificate()));
    d.put(CA_KEY, b64(ca.key()));
    d.put(BUNDLE, b64(bundle));
    nextCa.ifPresent(
        n -> {
          d.put(NEXT_CRT, b64(n.certificate()));
          d.put(NEXT_KEY, b64(n.key()));
        });
    return d;
  }

  /** The Secret's annotations that {@link #from} reads. */
  Map<String, String> annotations() {
    return nextSince.map(s -> Map.of(NEXT_SINCE, s.toString())).orElse(Map.of());
  }

  private static Optional<String> text(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null || value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new String(Base64.getDecoder().decode(value), StandardCharsets.US_ASCII));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
  }
}
