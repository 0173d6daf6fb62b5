package io.stagecred.webhook;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.KeyCertOptions;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The webhook's own HTTPS server (Vert.x, beside Quarkus's HTTP server, which keeps health and
 * metrics on plain HTTP). A renewed certificate is used from the next handshake on ({@link
 * RotatingKeyManager}) while open connections keep theirs, so no request is dropped.
 */
final class WebhookServer {

  private static final Logger LOG = Logger.getLogger(WebhookServer.class);

  /** Largest AdmissionReview read (a pod spec is far smaller; the API server's limit is 3 MiB). */
  private static final long MAX_BODY = 3L * 1024 * 1024;

  private final Vertx vertx;
  private final int port;
  private final Function<Buffer, String> review;
  private final RotatingKeyManager keys = new RotatingKeyManager();
  private HttpServer server;
  private String loaded;

  /**
   * @param review answers one AdmissionReview body with the AdmissionReview to send back (blocking
   *     work is fine: it runs off the event loop)
   */
  WebhookServer(Vertx vertx, int port, Function<Buffer, String> review) {
    this.vertx = vertx;
    this.port = port;
    this.review = review;
  }

  /** Starts serving with {@code certificate}, or swaps it in; a repeat of the same is a no-op. */
  synchronized void serve(String certificate, String key) {
    if (certificate.equals(loaded)) {
      return;
    }
    keys.use(certificate, key);
    if (server == null) {
      HttpServerOptions options =
          new HttpServerOptions()
              .setPort(port)
              .setSsl(true)
              .setKeyCertOptions(KeyCertOptions.wrap(keys))
              .setIdleTimeout(60)
              .setIdleTimeoutUnit(TimeUnit.SECONDS);
      HttpServer created = vertx.createHttpServer(options).requestHandler(this::handle);
      await(created.listen(), "start the webhook's HTTPS server on port " + port);
      server = created;
      LOG.infof("webhook serving HTTPS on port %d", server.actualPort());
    } else {
      LOG.info("webhook serving its renewed certificate");
    }
    loaded = certificate;
  }

  /** Whether a certificate is being served. */
  synchronized boolean serving() {
    return server != null;
  }

  synchronized void stop() {
    if (server != null) {
      await(server.close(), "stop the webhook's HTTPS server");
      server = null;
      loaded = null;
    }
  }

  private void handle(HttpServerRequest request) {
    if (!WebhookLauncher.PATH.equals(request.path()) || !"POST".equals(request.method().name())) {
      request.response().setStatusCode(404).end();
      return;
    }
    String length = request.getHeader("Content-Length");
    if (length != null && length.matches("[0-9]+") && Long.parseLong(length) > MAX_BODY) {
      request.response().setStatusCode(413).end();
      return;
    }
    request
        .body()
        .compose(body -> vertx.executeBlocking(() -> review.apply(body), false))
        .onSuccess(
            answer -> request.response().putHeader("Content-Type", "application/json").end(answer))
        .onFailure(
            e -> {
              LOG.warnf("webhook request failed: %s", e.getClass().getSimpleName());
              if (!request.response().ended()) {
                request.response().setStatusCode(500).end();
              }
            });
  }

  private static <T> T await(Future<T> future, String doing) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while trying to " + doing, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not " + doing + ": " + e.getCause(), e);
    }
  }
}
