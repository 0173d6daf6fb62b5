package io.stagecred.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A local AWS STS endpoint speaking the real Query protocol (AssumeRoleWithWebIdentity, AssumeRole,
 * GetCallerIdentity) for tests and the demo mode: point an SDK StsClient's endpointOverride at
 * {@link #endpoint()}. Trust rules and fault injection are configured on the instance at any time.
 */
public final class StsEmulator implements AutoCloseable {
  private final Clock clock;
  private final int port;
  private final TokenVerifier tokens = new TokenVerifier();
  private final List<JwtIssuer> issuers = new CopyOnWriteArrayList<>();
  private final TrustPolicy trust = new TrustPolicy();
  private final CredentialStore store = new CredentialStore();
  private final Faults faults = new Faults();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final StsActions actions;
  private final StsHandler handler;
  private HttpServer server;
  private ExecutorService executor;

  private StsEmulator(Builder b) {
    this.clock = b.clock;
    this.port = b.port;
    b.issuers.forEach(this::trust);
    this.actions = new StsActions(tokens, trust, store, b.lifetimeDivisor);
    this.handler = new StsHandler(clock, faults, actions, calls);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds an emulator; nothing listens until {@link #start()}. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private long lifetimeDivisor = 1;
    private int port;
    private final List<JwtIssuer> issuers = new ArrayList<>();

    private Builder() {}

    /**
     * The emulator's idea of "now" for expirations and request-date checks (default: system UTC).
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Issued credentials live DurationSeconds / divisor seconds (at least 1 s); the default is 1.
     */
    public Builder lifetimeDivisor(long divisor) {
      if (divisor < 1) {
        throw new IllegalArgumentException("lifetimeDivisor must be at least 1");
      }
      this.lifetimeDivisor = divisor;
      return this;
    }

    /** Trusts the tokens of this identity provider (an OIDC provider registered in IAM). */
    public Builder trust(JwtIssuer issuer) {
      issuers.add(Objects.requireNonNull(issuer, "issuer"));
      return this;
    }

    /** A fixed port on 127.0.0.1; 0 (the default) picks a free one. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public StsEmulator build() {
      return new StsEmulator(this);
    }
  }

  /** Binds 127.0.0.1 and starts answering; returns this for chaining. */
  public synchronized StsEmulator start() {
    if (server != null) {
      throw new IllegalStateException("already started");
    }
    try {
      server =
          HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the STS emulator to 127.0.0.1:" + port, e);
    }
    AtomicInteger n = new AtomicInteger();
    // Named after the port: tells the emulators of one JVM apart in thread dumps and log records.
    String threadPrefix = "sts-emulator-" + server.getAddress().getPort() + "-";
    executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, threadPrefix + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", handler);
    server.start();
    return this;
  }

  /** http://127.0.0.1:&lt;port&gt; once started. */
  public synchronized URI endpoint() {
    if (server == null) {
      throw new IllegalStateException("not started");
    }
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.stop(0);
      executor.shutdownNow();
      server = null;
    }
  }

  public Clock clock() {
    return clock;
  }

  /** Trusts another identity provider (see {@link Builder#trust(JwtIssuer)}). */
  public StsEmulator trust(JwtIssuer issuer) {
    tokens.trust(issuer);
    issuers.add(issuer);
    return this;
  }

  /**
   * Trusts an OIDC identity provider the way IAM does when one is registered: reads {@code
   * issuer}'s discovery document ({@code /.well-known/openid-configuration}), checks that it names
   * the same issuer, and takes the signing keys from its {@code jwks_uri}. {@code tls} trusts the
   * provider's certificate (a Kubernetes API server's self-signed one in tests).
   */
  public StsEmulator trustDiscovered(URI issuer, SSLContext tls) {
    tokens.trust(issuer.toString(), OidcDiscovery.jwks(issuer, tls));
    return this;
  }

  /**
   * Tokens with this aud and a sub matching {@code subjectGlob} ('*' = any run) may assume the
   * role.
   */
  public StsEmulator allowWebIdentity(String roleArn, String subjectGlob, String audience) {
    trust.allowWebIdentity(roleArn, subjectGlob, Objects.requireNonNull(audience, "audience"));
    return this;
  }

  /** Any trusted-issuer token, whatever its sub and aud, may assume roles matching the glob. */
  public StsEmulator allowAnyWebIdentity(String roleArnGlob) {
    trust.allowWebIdentity(roleArnGlob, "*", null);
    return this;
  }

  /**
   * Sessions of roles matching {@code callerRoleArnGlob} (role or assumed-role ARN) may assume the
   * role.
   */
  public StsEmulator allowAssumeRole(String roleArn, String callerRoleArnGlob) {
    trust.allowAssumeRole(roleArn, callerRoleArnGlob);
    return this;
  }

  /** AssumeRole into this role must pass exactly this ExternalId (else AccessDenied). */
  public StsEmulator requireExternalId(String roleArn, String externalId) {
    trust.requireExternalId(roleArn, Objects.requireNonNull(externalId, "externalId"));
    return this;
  }

  /** The role's MaxSessionDuration, 3600..43200 (default 3600 as in IAM). */
  public StsEmulator maxSessionDuration(String roleArn, int seconds) {
    trust.maxSessionDuration(roleArn, seconds);
    return this;
  }

  /**
   * Demo mode: any trusted-issuer token may assume any role, any issued session may chain into any
   * role.
   */
  public StsEmulator permissive() {
    trust.permissive(true);
    return this;
  }

  /**
   * The next {@code count} calls of {@code action} ("*" = any) answer this error instead. STS
   * reports status 5xx as a Receiver fault, anything else as a Sender fault.
   */
  public StsEmulator failNext(
      String action, int count, String errorCode, int httpStatus, String message) {
    faults.add(
        action, count, new StsError(errorCode, httpStatus, message == null ? errorCode : message));
    return this;
  }

  /**
   * The next {@code count} calls of {@code action} ("*" = any) get their connection closed, no
   * response.
   */
  public StsEmulator dropNext(String action, int count) {
    faults.add(action, count, null);
    return this;
  }

  /** Forgets the pending faults aimed at {@code target} (an action, a role ARN or "*"). */
  public StsEmulator heal(String target) {
    faults.remove(target);
    return this;
  }

  /**
   * Forgets pending faults and recorded calls; trust rules, issuers and issued credentials stay.
   */
  public void reset() {
    faults.clear();
    calls.clear();
  }

  /** Every call received so far, oldest first. */
  public List<Call> calls() {
    return List.copyOf(calls);
  }

  /**
   * Issued credentials for {@code roleArn} live DurationSeconds / divisor seconds (at least 1 s).
   */
  public StsEmulator lifetimeDivisor(String roleArn, long divisor) {
    if (divisor < 1) {
      throw new IllegalArgumentException("lifetimeDivisor must be at least 1");
    }
    actions.lifetimeDivisor(roleArn, divisor);
    return this;
  }

  /** How many calls naming {@code roleArn} were received, whatever their outcome. */
  public int countFor(String roleArn) {
    return (int) calls.stream().filter(c -> roleArn.equals(c.roleArn())).count();
  }

  /** How many calls of this action were received, whatever their outcome ("*" = all). */
  public int count(String action) {
    return (int)
        calls.stream().filter(c -> action.equals("*") || c.action().equals(action)).count();
  }

  /**
   * Every secret access key and session token issued, every token or session token received, and
   * every token the trusted issuers minted: values that must never appear in a log.
   */
  public Set<String> secretMaterial() {
    Set<String> all = new HashSet<>(store.secrets());
    issuers.forEach(i -> all.addAll(i.mintedTokens()));
    return Set.copyOf(all);
  }

  /** The session behind an access key id this emulator issued. */
  public Optional<IssuedSession> session(String accessKeyId) {
    return store.find(accessKeyId);
  }

  @Override
  public synchronized String toString() {
    return "StsEmulator[" + (server == null ? "stopped" : endpoint()) + "]";
  }
}
