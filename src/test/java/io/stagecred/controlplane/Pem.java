package io.stagecred.controlplane;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/** PEM files for the control plane: keys written for the API server, certificates read back. */
public final class Pem {

  private Pem() {}

  /** A key in PEM form under {@code label}: PKCS#8 for private keys, X.509 for public keys. */
  static String encode(String label, Key key) {
    return "-----BEGIN "
        + label
        + "-----\n"
        + ControlPlane.base64Lines(key.getEncoded())
        + "\n-----END "
        + label
        + "-----\n";
  }

  /** Trust in the certificates of one PEM file, loaded when first needed. */
  public static final class Trust {
    private final Path file;
    private SSLContext context;

    Trust(Path file) {
      this.file = file;
    }

    public Path file() {
      return file;
    }

    /** A TLS context that trusts exactly the certificates in the file. */
    public synchronized SSLContext sslContext() {
      if (context == null) {
        try (InputStream in = Files.newInputStream(file)) {
          KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
          store.load(null, null);
          int i = 0;
          for (Certificate cert :
              CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            store.setCertificateEntry("cert-" + i++, cert);
          }
          TrustManagerFactory tmf =
              TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
          tmf.init(store);
          SSLContext tls = SSLContext.getInstance("TLS");
          tls.init(null, tmf.getTrustManagers(), null);
          context = tls;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("cannot trust " + file, e);
        }
      }
      return context;
    }

    SSLSocketFactory socketFactory() {
      return sslContext().getSocketFactory();
    }
  }
}
