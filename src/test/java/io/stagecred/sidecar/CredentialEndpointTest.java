package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagecred.emulator.MutableClock;
import io.stagecred.sidecar.CredentialEndpoint.Served;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialEndpointTest {

  static final String TOKEN = "test-endpoint-token-Zm9vYmFy";
  static final String BODY =
      "{\"AccessKeyId\":\"ASIAEXAMPLEKEYID0001\",\"SecretAccessKey\":\"wJalrXUtnFEMI/K7MDENG\","
          + "\"Token\":\"FwoGZXIvYXdzEXAMPLE\",\"Expiration\":\"2026-11-21T20:00:00Z\"}";

  static Vertx vertx;
  static HttpClient http;

  final MutableClock clock = new MutableClock();
  final AtomicReference<Optional<Served>> current = new AtomicReference<>(Optional.empty());
  CredentialEndpoint endpoint;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
    // HTTP/1.1 like the AWS SDKs; the default would first try an h2c upgrade.
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @BeforeEach
  void startEndpoint() {
    endpoint = CredentialEndpoint.start(vertx, 0, TOKEN, current::get, clock);
  }

  @AfterEach
  void closeEndpoint() {
    endpoint.close();
  }

  void serve(Duration validFor) {
    current.set(Optional.of(new Served(BODY, clock.instant().plus(validFor))));
  }

  HttpResponse<String> send(String method, String path, String authorization) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String authorization) throws Exception {
    return send("GET", "/credentials", authorization);
  }

  /** Asserts the JSON error shape every non-200 answer shares; returns the message. */
  static String assertError(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
    JsonObject error = new JsonObject(response.body());
    assertThat(error.fieldNames()).containsExactlyInAnyOrder("code", "message");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(response.body()).doesNotContain(TOKEN);
    assertThat(response.headers().map().toString()).doesNotContain(TOKEN);
    return error.getString("message");
  }

  @Test
  void servesTheCurrentBodyToACallerPresentingTheToken() throws Exception {
    serve(Duration.ofHours(1));

    HttpResponse<String> response = get(TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(BODY);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not-the-token-1234", "Bearer " + TOKEN, TOKEN + "x", "<missing>"})
  void refusesCallersWithoutTheTokenWithoutEchoingAnything(String presented) throws Exception {
    serve(Duration.ofHours(1));

    HttpResponse<String> response = get(presented.equals("<missing>") ? null : presented);

    String message = assertError(response, 401, "Unauthorized");
    assertThat(message)
        .isEqualTo(
            "send the token from the endpoint token file in the Authorization header"
                + " (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)");
    if (!presented.isEmpty()) {
      assertThat(response.body()).doesNotContain(presented);
    }
    assertThat(response.body()).doesNotContain("ASIAEXAMPLEKEYID0001");
  }

  @Test
  void answers503UntilTheSourceHasCredentials() throws Exception {
    String message = assertError(get(TOKEN), 503, "CredentialsUnavailable");
    assertThat(message).contains("still fetching", "STS is failing", "sidecar's log");

    serve(Duration.ofSeconds(1));
    assertThat(get(TOKEN).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, -3600})
  void answers503ForCredentialsExpiringNowOrEarlierAnd200OnceFreshOnesArrive(long validForSeconds)
      throws Exception {
    serve(Duration.ofSeconds(validForSeconds));

    HttpResponse<String> response = get(TOKEN);

    assertError(response, 503, "CredentialsUnavailable");
    assertThat(response.body()).doesNotContain("ASIAEXAMPLEKEYID0001");

    serve(Duration.ofSeconds(1));
    assertThat(get(TOKEN).body()).isEqualTo(BODY);
  }

  @Test
  void stopsServingCredentialsOnceTheClockPassesTheirExpiration() throws Exception {
    serve(Duration.ofMinutes(15));
    assertThat(get(TOKEN).statusCode()).isEqualTo(200);

    clock.advance(Duration.ofMinutes(15));

    assertError(get(TOKEN), 503, "CredentialsUnavailable");
  }

  @Test
  void answers503WhenTheSourceThrows() throws Exception {
    try (CredentialEndpoint failing =
        CredentialEndpoint.start(
            vertx,
            0,
            TOKEN,
            () -> {
              throw new IllegalStateException("renewal state corrupted");
            },
            clock)) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + failing.port() + "/credentials"))
              .header("Authorization", TOKEN)
              .build();

      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertError(response, 503, "CredentialsUnavailable");
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/",
        "/credentials/",
        "/credentials/x",
        "/Credentials",
        "/latest/meta-data/iam/security-credentials/"
      })
  void answers404ForAnyOtherPath(String path) throws Exception {
    serve(Duration.ofHours(1));

    HttpResponse<String> response = send("GET", path, TOKEN);

    assertThat(assertError(response, 404, "NotFound")).contains("GET /credentials");
    assertThat(response.body()).doesNotContain("ASIAEXAMPLEKEYID0001");
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH"})
  void answers405WithAllowGetForOtherMethods(String method) throws Exception {
    serve(Duration.ofHours(1));

    HttpResponse<String> response = send(method, "/credentials", TOKEN);

    assertThat(assertError(response, 405, "MethodNotAllowed")).contains("GET /credentials");
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
    assertThat(response.body()).doesNotContain("ASIAEXAMPLEKEYID0001");
  }

  /** A connection to {@code address} on the endpoint's port is refused outright. */
  void assertRefused(InetAddress address) {
    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, endpoint.port()), 10_000);
              }
            })
        .as("connecting to %s:%d", address.getHostAddress(), endpoint.port())
        .isInstanceOf(ConnectException.class);
  }

  static Optional<InetAddress> nonLoopbackIpv4() throws SocketException {
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && !address.isLoopbackAddress()) {
            return Optional.of(address);
          }
        }
      }
    }
    return Optional.empty();
  }

  @Test
  void listensOn127001OnlyNotOnOtherLoopbackAddresses() throws IOException {
    // Positive control: the port is open on 127.0.0.1, so a refusal elsewhere is about the address.
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", endpoint.port()), 10_000);
    }
    // Linux routes all of 127.0.0.0/8 to lo: a wildcard bind would accept here.
    assertRefused(InetAddress.getByName("127.0.0.2"));
  }

  @Test
  void refusesConnectionsOnThisMachinesNonLoopbackAddress() throws IOException {
    Optional<InetAddress> address = nonLoopbackIpv4();
    Assumptions.assumeTrue(
        address.isPresent(),
        "this machine has no non-loopback IPv4 address that is up, so there is no outside address"
            + " to try");

    assertRefused(address.get());
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void startingOnAPortThatIsInUseFailsNamingTheAddressAndTheCause(boolean sameVertx)
      throws Exception {
    // Another Vert.x instance stands for another process holding the port.
    Vertx owner = sameVertx ? vertx : Vertx.vertx();
    try {
      int busy = endpoint.port();
      assertThatThrownBy(() -> CredentialEndpoint.start(owner, busy, TOKEN, current::get, clock))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot listen on 127.0.0.1:" + busy + ": ")
          .hasMessageContaining("in use");
      assertThat(get(TOKEN).statusCode()).as("the first endpoint still answers").isEqualTo(503);
    } finally {
      if (!sameVertx) {
        owner.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void closeStopsListening() throws Exception {
    CredentialEndpoint second = CredentialEndpoint.start(vertx, 0, TOKEN, current::get, clock);
    int port = second.port();
    assertThat(port).isPositive().isNotEqualTo(endpoint.port());

    second.close();

    // Binding the port again proves the listener is gone. A connect attempt would not: on
    // loopback, a client whose ephemeral source port equals the freed port connects to itself.
    // The freed port is an ephemeral one, so another process's short connection may hold it for
    // a moment as its source port: a few attempts tell that apart from a listener still there.
    assertThat(rebinds(port)).as("port %d is free again", port).isTrue();
    assertThat(get(TOKEN).statusCode()).as("the first endpoint still answers").isEqualTo(503);
  }

  private static boolean rebinds(int port) throws InterruptedException {
    for (int attempt = 0; attempt < 20; attempt++) {
      try (ServerSocket rebound = new ServerSocket()) {
        rebound.bind(new InetSocketAddress("127.0.0.1", port));
        return rebound.getLocalPort() == port;
      } catch (IOException inUse) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    return false;
  }

  @Test
  void servedNeverPrintsTheBody() {
    Served served = new Served(BODY, Instant.parse("2026-11-21T20:00:00Z"));

    assertThat(served.toString())
        .contains("2026-11-21T20:00:00Z")
        .doesNotContain("wJalrXUtnFEMI", "FwoGZXIvYXdz", "ASIAEXAMPLEKEYID0001");
  }
}
