package io.stagecred.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook's HTTPS server swaps certificates under load without failing a handshake, and answers
 * only POSTs to its path.
 */
class WebhookServerTest {

  private static final TlsPlan.Policy POLICY =
      new TlsPlan.Policy(
          Duration.ofDays(1),
          Duration.ofHours(1),
          Duration.ofMinutes(1),
          List.of("localhost"),
          List.of("127.0.0.1"));

  private Vertx vertx;
  private WebhookServer server;
  private int port;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    server = new WebhookServer(vertx, port, body -> "{\"echo\":" + body.length() + "}");
  }

  @AfterEach
  void stop() {
    server.stop();
    vertx.close();
  }

  private static SSLContext trusting(String caPem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    int i = 0;
    for (X509Certificate ca : Certificates.parse(caPem)) {
      store.setCertificateEntry("ca-" + i++, ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), new SecureRandom());
    return context;
  }

  @Test
  void everyHandshakeSucceedsWhileTheCertificateIsSwappedAgainAndAgain() throws Exception {
    TlsMaterial m = TlsPlan.next(Optional.empty(), POLICY, Instant.now());
    server.serve(m.serving().certificate(), m.serving().key());
    // Pre-made certificates of the same CA, swapped in every millisecond: many swaps fall into
    // handshakes.
    List<Certificates.Issued> next = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      next.add(
          Certificates.serving(
              m.ca(),
              POLICY.dnsNames(),
              POLICY.ipAddresses(),
              Instant.now(),
              Instant.now().plusSeconds(3600)));
    }
    SSLContext client = trusting(m.bundle());
    AtomicBoolean done = new AtomicBoolean();
    Thread swapper =
        new Thread(
            () -> {
              int i = 0;
              while (!done.get()) {
                Certificates.Issued c = next.get(i++ % next.size());
                server.serve(c.certificate(), c.key());
                try {
                  // A thousand times faster than the operator's checks ever swap.
                  Thread.sleep(1);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
              }
            });
    swapper.start();
    Set<String> seen = new LinkedHashSet<>();
    List<String> failures = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        try (SSLSocket socket =
            (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
          socket.startHandshake();
          seen.add(
              ((X509Certificate) socket.getSession().getPeerCertificates()[0])
                  .getSerialNumber()
                  .toString());
        } catch (IOException e) {
          failures.add(e.toString());
        }
      }
    } finally {
      done.set(true);
      swapper.join();
    }
    assertThat(failures).as("failed handshakes").isEmpty();
    assertThat(seen).as("certificates served").hasSizeGreaterThan(1);
  }

  @Test
  void onlyPostsToThePathAreAnswered() throws Exception {
    TlsMaterial m = TlsPlan.next(Optional.empty(), POLICY, Instant.now());
    server.serve(m.serving().certificate(), m.serving().key());
    HttpClient http = HttpClient.newBuilder().sslContext(trusting(m.bundle())).build();
    URI base = URI.create("https://localhost:" + port);
    HttpResponse<String> post =
        http.send(
            HttpRequest.newBuilder(base.resolve(WebhookLauncher.PATH))
                .POST(HttpRequest.BodyPublishers.ofString("abc"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).isEqualTo(200);
    assertThat(post.body()).isEqualTo("{\"echo\":3}");
    assertThat(post.headers().firstValue("Content-Type")).contains("application/json");
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(base.resolve(WebhookLauncher.PATH)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(404);
    HttpResponse<String> other =
        http.send(
            HttpRequest.newBuilder(base.resolve("/other"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(other.statusCode()).isEqualTo(404);
  }
}
