package io.stagecred.sidecar;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jboss.logging.Logger;

/**
 * Reads GET {@code /credentials} requests on 127.0.0.1 and the current credentials from a {@link
 * Source}; writes the container-credentials JSON to callers presenting the endpoint token, and a
 * JSON error with what to do to everyone else.
 */
public final class CredentialEndpoint implements AutoCloseable {

  /** The only address served: AWS SDKs accept no other loopback address over plain http. */
  public static final String HOST = "127.0.0.1";

  private static final Logger LOG = Logger.getLogger(CredentialEndpoint.class);
  private static final String PATH = "/credentials";
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String JSON = "application/json";

  private final HttpServer server;
  private final String token;
  private final Source source;
  private final Clock clock;

  /** The document to serve and when the credentials in it expire. */
  public record Served(String body, Instant expiration) {

    public Served {
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(expiration, "expiration");
    }

    // The body holds the secret key and session token; a log line must never print it.
    @Override
    public String toString() {
      return "Served[expiration=" + expiration + ", body=<redacted>]";
    }
  }

  /**
   * The credentials to serve right now, or empty when there are none yet. Called on a Vert.x event
   * loop for every request, so it must return at once (read a field, never call STS).
   */
  @FunctionalInterface
  public interface Source {
    Optional<Served> current();
  }

  private CredentialEndpoint(HttpServer server, String token, Source source, Clock clock) {
    this.server = server;
    this.token = token;
    this.source = source;
    this.clock = clock;
  }

  /**
   * Listens on {@code 127.0.0.1:port} ({@code 0}: any free port) and returns once listening. Must
   * not be called on a Vert.x event loop, since it blocks.
   *
   * @throws IllegalStateException if the port cannot be bound, naming the address and the cause
   */
  public static CredentialEndpoint start(
      Vertx vertx, int port, String token, Source source, Clock clock) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(clock, "clock");
    if (token == null || token.isEmpty()) {
      throw new IllegalArgumentException("the endpoint token must not be empty");
    }
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(HOST).setPort(port));
    CredentialEndpoint endpoint = new CredentialEndpoint(server, token, source, clock);
    server.requestHandler(endpoint::handle);
    String address = HOST + ":" + port;
    try {
      await(server.listen(), "listen on " + address);
    } catch (IllegalStateException e) {
      // A listen that timed out may still complete later; do not leave that server behind.
      server.close();
      throw e;
    }
    return endpoint;
  }

  /** The port actually bound (the chosen one when started with port 0). */
  public int port() {
    return server.actualPort();
  }

  /** Stops listening and waits for it (at most 10 s); in-flight requests are cut off. */
  @Override
  public void close() {
    await(server.close(), "close the endpoint on " + HOST + ":" + port());
  }

  private void handle(HttpServerRequest request) {
    if (!PATH.equals(request.path())) {
      error(request, 404, "NotFound", "this endpoint serves only GET " + PATH);
      return;
    }
    if (request.method() != HttpMethod.GET) {
      request.response().putHeader(HttpHeaders.ALLOW, "GET");
      error(request, 405, "MethodNotAllowed", "use GET " + PATH);
      return;
    }
    // Neither the presented header nor the token is ever logged or echoed back.
    if (!EndpointToken.matches(token, request.getHeader(HttpHeaders.AUTHORIZATION))) {
      error(
          request,
          401,
          "Unauthorized",
          "send the token from the endpoint token file in the Authorization header"
              + " (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)");
      return;
    }
    Optional<Served> served;
    try {
      served = source.current();
    } catch (RuntimeException e) {
      // Thrown out of the handler, this would leave the caller waiting for a response.
      LOG.error("the credential source failed; answering 503", e);
      served = Optional.empty();
    }
    // Strictly after now: credentials expiring this instant are already useless to the caller.
    if (served.isEmpty() || !served.get().expiration().isAfter(clock.instant())) {
      error(
          request,
          503,
          "CredentialsUnavailable",
          "no valid credentials at the moment: the sidecar is still fetching them or STS is"
              + " failing; see the sidecar's log");
      return;
    }
    respond(request, 200, served.get().body());
  }

  private static void error(HttpServerRequest request, int status, String code, String message) {
    respond(request, status, new JsonObject().put("code", code).put("message", message).encode());
  }

  private static void respond(HttpServerRequest request, int status, String body) {
    request
        .response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        // Responses carry live credentials; no cache along the way may keep them.
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .end(body);
  }

  private static <T> T await(Future<T> future, String what) {
    if (Context.isOnEventLoopThread()) {
      // The future completes on an event loop; blocking one could wait forever.
      throw new IllegalStateException("cannot " + what + " from a Vert.x event loop thread");
    }
    try {
      return future
          .toCompletionStage()
          .toCompletableFuture()
          .get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String reason = cause.getMessage() != null ? cause.getMessage() : cause.toString();
      throw new IllegalStateException("cannot " + what + ": " + reason, cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "cannot " + what + ": no answer within " + WAIT.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to " + what, e);
    }
  }
}
