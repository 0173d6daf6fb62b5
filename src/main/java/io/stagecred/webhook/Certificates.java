package io.stagecred.webhook;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Makes the webhook's certificates (ECDSA P-256, SHA-256) with Bouncy Castle's X.509 builder, and
 * reads PEM. A CA signs serving certificates that name the webhook's Service (and, for a webhook
 * called by URL, IP addresses): the API server checks the names, and Go accepts no certificate
 * without them.
 */
final class Certificates {

  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  /** A certificate and its private key, both PEM. */
  record Issued(String certificate, String key) {

    X509Certificate parsed() {
      return parse(certificate).get(0);
    }

    /** The certificate's subject and end, never the key. */
    @Override
    public String toString() {
      X509Certificate cert = parsed();
      return "Issued["
          + cert.getSubjectX500Principal().getName()
          + " until "
          + cert.getNotAfter().toInstant()
          + "]";
    }
  }

  /** A self-signed CA valid from {@code notBefore} to {@code notAfter}. */
  static Issued authority(String commonName, Instant notBefore, Instant notAfter) {
    KeyPair keys = keyPair();
    X500Name subject = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject,
                  serial(),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  subject,
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
              .addExtension(
                  Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return issued(builder, keys, keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not make the webhook's CA certificate", e);
    }
  }

  /** A serving certificate for {@code dnsNames} and {@code ipAddresses}, signed by {@code ca}. */
  static Issued serving(
      Issued ca,
      List<String> dnsNames,
      List<String> ipAddresses,
      Instant notBefore,
      Instant notAfter) {
    KeyPair keys = keyPair();
    X509Certificate issuer = ca.parsed();
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
    for (String ip : ipAddresses) {
      names.add(new GeneralName(GeneralName.iPAddress, literalAddress(ip)));
    }
    String commonName = dnsNames.isEmpty() ? ipAddresses.get(0) : dnsNames.get(0);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  issuer,
                  serial(),
                  Date.from(notBefore),
                  Date.from(notAfter),
                  new X500Name("CN=" + commonName),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
              .addExtension(
                  Extension.extendedKeyUsage,
                  false,
                  new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
              .addExtension(
                  Extension.subjectAlternativeName,
                  false,
                  new GeneralNames(names.toArray(GeneralName[]::new)))
              .addExtension(
                  Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(issuer))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return issued(builder, keys, privateKey(ca.key()));
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("could not make the webhook's serving certificate", e);
    }
  }

  /** Every certificate in {@code pem}, in order. */
  static List<X509Certificate> parse(String pem) {
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      return factory
          .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))
          .stream()
          .map(X509Certificate.class::cast)
          .toList();
    } catch (GeneralSecurityException e) {
      throw new UnusableCertificateException(
          "not a PEM certificate (" + e.getClass().getSimpleName() + ")");
    }
  }

  /** The PKCS#8 private key (EC, or RSA as cert-manager may issue) in {@code pem}. */
  static PrivateKey privateKey(String pem) {
    String body =
        pem.replace("-----BEGIN PRIVATE KEY-----", "")
            .replace("-----END PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(body);
    } catch (IllegalArgumentException e) {
      throw new UnusableCertificateException("not a PEM PKCS#8 private key");
    }
    for (String algorithm : List.of("EC", "RSA")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // not this algorithm; try the next
      }
    }
    // Never the key's text in a message.
    throw new UnusableCertificateException(
        "not a PEM PKCS#8 EC or RSA private key (\"BEGIN PRIVATE KEY\")");
  }

  /** {@code der} as PEM under {@code label}. */
  static String pem(String label, byte[] der) {
    String body =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }

  private static Issued issued(X509v3CertificateBuilder builder, KeyPair keys, PrivateKey signer)
      throws GeneralSecurityException {
    try {
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
      return new Issued(
          pem("CERTIFICATE", cert.getEncoded()),
          pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException("no ECDSA signer", e);
    }
  }

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot make EC P-256 keys", e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(127, RANDOM).add(BigInteger.ONE);
  }

  /** Whether {@code ip} is a literal IPv4 or IPv6 address. */
  static boolean isIpAddress(String ip) {
    // Dotted IPv4, or IPv6 (which has a colon): InetAddress parses those without a DNS lookup,
    // which a bare word such as "cafe" would cost.
    if (!ip.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}|[0-9a-fA-F.]*:[0-9a-fA-F:.]*")) {
      return false;
    }
    try {
      InetAddress.getByName(ip);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** The textual form of a literal IPv4 or IPv6 address (never a DNS lookup). */
  private static String literalAddress(String ip) {
    if (!isIpAddress(ip)) {
      throw new IllegalArgumentException("not an IP address: " + ip);
    }
    try {
      return InetAddress.getByName(ip).getHostAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + ip, e);
    }
  }
}
