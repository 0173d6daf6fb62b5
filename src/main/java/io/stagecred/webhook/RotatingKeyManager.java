package io.stagecred.webhook;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The webhook's serving key and certificate, replaceable while the server runs: every TLS handshake
 * asks for the current one. Each certificate gets its own alias, and replaced ones stay readable by
 * alias for a minute, so a handshake that chose an alias just before a swap still gets that alias's
 * key and chain (Vert.x's own SSL options update was seen to drop a connection accepted
 * mid-update).
 */
final class RotatingKeyManager extends X509ExtendedKeyManager {

  /** How long a replaced certificate stays readable by alias: far longer than any handshake. */
  private static final Duration KEPT_FOR = Duration.ofMinutes(1);

  /** At most this many replaced certificates are kept, however quickly they are replaced. */
  private static final int KEPT_AT_MOST = 256;

  private record Generation(String alias, X509Certificate[] chain, PrivateKey key, long retired) {
    Generation retire(long now) {
      return new Generation(alias, chain, key, now);
    }
  }

  private final Deque<Generation> generations = new ArrayDeque<>();
  private volatile Generation current;
  private long counter;

  /** Serves {@code certificatePem} (leaf first) with {@code keyPem} from the next handshake on. */
  synchronized void use(String certificatePem, String keyPem) {
    X509Certificate[] chain = Certificates.parse(certificatePem).toArray(X509Certificate[]::new);
    if (chain.length == 0) {
      throw new UnusableCertificateException("tls.crt holds no certificate");
    }
    Generation next =
        new Generation("serving-" + ++counter, chain, Certificates.privateKey(keyPem), 0);
    long now = System.nanoTime();
    if (current != null) {
      generations.addFirst(current.retire(now));
    }
    while (!generations.isEmpty()
        && (generations.size() > KEPT_AT_MOST
            || now - generations.peekLast().retired() > KEPT_FOR.toNanos())) {
      generations.removeLast();
    }
    current = next;
  }

  private Optional<Generation> byAlias(String alias) {
    Generation g = current;
    if (g != null && g.alias().equals(alias)) {
      return Optional.of(g);
    }
    synchronized (this) {
      return generations.stream().filter(r -> r.alias().equals(alias)).findFirst();
    }
  }

  /** The current alias when its key fits {@code keyType} (EC, RSA, or e.g. EC_EC in TLS 1.2). */
  private String alias(String keyType) {
    Generation g = current;
    if (g == null || keyType == null) {
      return null;
    }
    String algorithm = g.key().getAlgorithm();
    return keyType.equals(algorithm) || keyType.startsWith(algorithm + "_") ? g.alias() : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return alias(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return alias(keyType);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    String alias = alias(keyType);
    return alias == null ? null : new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return byAlias(alias).map(g -> g.chain().clone()).orElse(null);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return byAlias(alias).map(Generation::key).orElse(null);
  }

  /** A server only: no client certificates. */
  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
