package io.stagecred.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.stagecred.demo.EmbeddedKubernetes;
import io.stagecred.emulator.JwtIssuer;
import io.stagecred.emulator.StsEmulator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Starts the {@link World} before the application and points the operator at it: the Kubernetes
 * client at the embedded API server, the STS client at the emulator, the operator's own identity at
 * a token file signed by the issuer the emulator trusts.
 */
public class WorldResource implements QuarkusTestResourceLifecycleManager {

  /** Namespaces (globs) where tests may use the operator's own identity. */
  public static final String OPERATOR_NAMESPACES = "op-*";

  /** Roles (globs) the operator's own identity may be lent to. */
  public static final String OPERATOR_ROLES = "arn:aws:iam::111111111111:role/op-*";

  public static final String OPERATOR_SUBJECT =
      "system:serviceaccount:stagecred-system:stagecred-operator";

  private World world;

  @Override
  public Map<String, String> start() {
    JwtIssuer issuer = new JwtIssuer();
    StsEmulator sts = StsEmulator.builder().trust(issuer).build();
    sts.start();
    EmbeddedKubernetes kubernetes = new EmbeddedKubernetes(issuer::mint, Clock.systemUTC()).start();
    Path tokenFile;
    try {
      tokenFile = Files.createTempFile("stagecred-operator-token", ".jwt");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    world = new World(issuer, sts, kubernetes, tokenFile);
    writeOperatorToken(world, Duration.ofHours(24));
    return Map.of(
        "quarkus.kubernetes-client.api-server-url", kubernetes.url(),
        "stagecred.sts.endpoint", sts.endpoint().toString(),
        "stagecred.operator-identity.token-file", tokenFile.toString(),
        "stagecred.operator-identity.allowed-namespaces", OPERATOR_NAMESPACES,
        "stagecred.operator-identity.allowed-role-arns", OPERATOR_ROLES);
  }

  /** Writes a fresh operator token valid for {@code lifetime} (negative: already expired). */
  public static void writeOperatorToken(World world, Duration lifetime) {
    Instant now = Instant.now();
    Instant issued = lifetime.isNegative() ? now.plus(lifetime).minus(Duration.ofHours(1)) : now;
    String token =
        world.issuer().mint(OPERATOR_SUBJECT, "sts.amazonaws.com", issued, now.plus(lifetime));
    try {
      Files.writeString(world.operatorTokenFile(), token);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void inject(TestInjector testInjector) {
    testInjector.injectIntoFields(
        world, new TestInjector.AnnotatedAndMatchesType(InjectWorld.class, World.class));
  }

  @Override
  public void stop() {
    if (world != null) {
      SecretScan.recordWorld(world);
      world.sts().close();
      world.kubernetes().close();
      try {
        Files.deleteIfExists(world.operatorTokenFile());
      } catch (IOException e) {
        // a leftover temp file is harmless
      }
    }
  }
}
