package io.stagecred.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * When the webhook's certificates are renewed, without a moment in which the API server would
 * refuse the serving certificate:
 *
 * <ul>
 *   <li>The serving certificate is renewed, by the same CA, once a third of its lifetime is left
 *       (or when the names it must carry changed). The API server trusts the CA, so every new
 *       connection accepts the new certificate at once.
 *   <li>The CA is renewed in two steps. Once a third of its lifetime is left, a next CA joins the
 *       bundle the API server trusts, beside the current one; only after {@code caOverlap} (every
 *       API server has seen the new bundle by then) does it become the signing CA and sign a new
 *       serving certificate. The old CA stays in the bundle until the next rotation.
 * </ul>
 *
 * Each step returns new material or the same; the keys it makes are random, the decisions depend
 * only on the material, the policy and {@code now}.
 */
final class TlsPlan {

  /** The type number of an IP address in X509Certificate#getSubjectAlternativeNames. */
  private static final int IP_ADDRESS = 7;

  /** Certificates start a little in the past, for clocks that run slightly behind. */
  static final Duration BACKDATE = Duration.ofMinutes(1);

  /** What the operator keeps. */
  record Policy(
      Duration caValidity,
      Duration certificateValidity,
      Duration caOverlap,
      List<String> dnsNames,
      List<String> ipAddresses) {}

  private TlsPlan() {}

  /** The material to keep from {@code now} on: {@code current} itself when nothing is due. */
  static TlsMaterial next(Optional<TlsMaterial> current, Policy policy, Instant now) {
    if (current.isEmpty()) {
      Certificates.Issued ca = newCa(policy, now);
      return new TlsMaterial(
          ca, serving(ca, policy, now), ca.certificate(), Optional.empty(), Optional.empty());
    }
    TlsMaterial m = current.get();
    if (m.nextCa().isPresent()) {
      if (!now.isBefore(m.nextSince().orElseThrow().plus(policy.caOverlap()))) {
        Certificates.Issued promoted = m.nextCa().get();
        return new TlsMaterial(
            promoted,
            serving(promoted, policy, now),
            promoted.certificate() + m.ca().certificate(),
            Optional.empty(),
            Optional.empty());
      }
    } else if (due(m.ca().parsed(), policy.caValidity(), now)) {
      Certificates.Issued next = newCa(policy, now);
      return new TlsMaterial(
          m.ca(),
          m.serving(),
          m.ca().certificate() + next.certificate(),
          Optional.of(next),
          Optional.of(now));
    }
    X509Certificate serving = m.serving().parsed();
    if (due(serving, policy.certificateValidity(), now)
        || !names(serving).equals(wanted(policy))
        || !serving.getIssuerX500Principal().equals(m.ca().parsed().getSubjectX500Principal())) {
      return new TlsMaterial(
          m.ca(), serving(m.ca(), policy, now), m.bundle(), m.nextCa(), m.nextSince());
    }
    return m;
  }

  /**
   * When {@code cert} is next looked at by this plan: when a third of its (or the policy's)
   * lifetime is left.
   */
  static Instant renewalTime(X509Certificate cert, Duration validity) {
    Instant notAfter = cert.getNotAfter().toInstant();
    Duration lifetime = Duration.between(cert.getNotBefore().toInstant().plus(BACKDATE), notAfter);
    Duration shortest = lifetime.compareTo(validity) < 0 ? lifetime : validity;
    return notAfter.minus(shortest.dividedBy(3));
  }

  private static boolean due(X509Certificate cert, Duration validity, Instant now) {
    return !now.isBefore(renewalTime(cert, validity));
  }

  private static Certificates.Issued newCa(Policy policy, Instant now) {
    return Certificates.authority(
        "stagecred webhook CA " + now.getEpochSecond(),
        now.minus(BACKDATE),
        now.plus(policy.caValidity()));
  }

  private static Certificates.Issued serving(Certificates.Issued ca, Policy policy, Instant now) {
    Instant caEnd = ca.parsed().getNotAfter().toInstant();
    Instant end = now.plus(policy.certificateValidity());
    return Certificates.serving(
        ca,
        policy.dnsNames(),
        policy.ipAddresses(),
        now.minus(BACKDATE),
        end.isAfter(caEnd) ? caEnd : end);
  }

  private static Set<String> wanted(Policy policy) {
    Set<String> names = new HashSet<>(policy.dnsNames());
    policy.ipAddresses().forEach(ip -> names.add(normalIp(ip)));
    return names;
  }

  private static Set<String> names(X509Certificate cert) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> alt = cert.getSubjectAlternativeNames();
      if (alt != null) {
        alt.forEach(
            n ->
                names.add(
                    Integer.valueOf(IP_ADDRESS).equals(n.get(0))
                        ? normalIp(n.get(1).toString())
                        : n.get(1).toString()));
      }
    } catch (CertificateParsingException e) {
      return Set.of();
    }
    return names;
  }

  private static String normalIp(String ip) {
    try {
      return InetAddress.getByName(ip).getHostAddress();
    } catch (UnknownHostException e) {
      return ip;
    }
  }
}
