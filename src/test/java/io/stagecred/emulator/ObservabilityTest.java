package io.stagecred.emulator;

import static io.stagecred.emulator.StsAsserts.assertStsError;
import static io.stagecred.emulator.StsFixture.DEPLOYER;
import static io.stagecred.emulator.StsFixture.STAGE_ROLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

/** calls(), count(), secretMaterial() and the promise that nothing prints or logs a secret. */
class ObservabilityTest {
  private final StsFixture f = new StsFixture();
  private final List<String> logLines = new ArrayList<>();
  private final Logger logger = Logger.getLogger(StsEmulator.class.getName());
  private final Handler capture =
      new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
          // Only this test's emulator: others in the JVM (a running Quarkus test application's)
          // log through the same logger.
          if (!Thread.currentThread().getName().startsWith(emulatorThreads)) {
            return;
          }
          synchronized (logLines) {
            logLines.add(formatter.format(record));
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private Level previousLevel;
  private volatile String emulatorThreads;

  @BeforeEach
  void captureLogs() {
    emulatorThreads = "sts-emulator-" + f.sts.endpoint().getPort() + "-";
    previousLevel = logger.getLevel();
    logger.setLevel(Level.ALL);
    capture.setLevel(Level.ALL);
    logger.addHandler(capture);
  }

  @AfterEach
  void close() {
    logger.removeHandler(capture);
    logger.setLevel(previousLevel);
    f.close();
  }

  @Test
  void recordsSuccessfulAndFailedCallsInOrder() {
    Credentials web = f.webIdentity("s1").credentials();
    String stranger = f.token("system:serviceaccount:other:x", StsFixture.AUDIENCE);
    assertStsError(
        () ->
            f.anonymous()
                .assumeRoleWithWebIdentity(
                    b ->
                        b.roleArn(DEPLOYER)
                            .roleSessionName("s2")
                            .durationSeconds(900)
                            .webIdentityToken(stranger)),
        "AccessDenied",
        403);
    f.signedBy(web).getCallerIdentity();

    List<Call> calls = f.sts.calls();
    assertThat(calls)
        .extracting(Call::action)
        .containsExactly(
            "AssumeRoleWithWebIdentity", "AssumeRoleWithWebIdentity", "GetCallerIdentity");
    assertThat(calls).extracting(Call::outcome).containsExactly("OK", "AccessDenied", "OK");
    Call denied = calls.get(1);
    assertThat(denied.roleArn()).isEqualTo(DEPLOYER);
    assertThat(denied.roleSessionName()).isEqualTo("s2");
    assertThat(denied.durationSeconds()).isEqualTo(900);
    assertThat(denied.subject()).isEqualTo("system:serviceaccount:other:x");
    assertThat(denied.at()).isEqualTo(f.clock.instant());
    assertThat(calls.get(0).durationSeconds()).isNull();
    assertThat(f.sts.count("AssumeRoleWithWebIdentity")).isEqualTo(2);
    assertThat(f.sts.count("GetCallerIdentity")).isEqualTo(1);
    assertThat(f.sts.count("AssumeRole")).isZero();
    assertThat(f.sts.count("*")).isEqualTo(3);
  }

  @Test
  void secretMaterialHoldsEverySecretIssuedOrSeenAndNothingPrintsOrLogsIt() {
    f.sts.allowAssumeRole(STAGE_ROLE, DEPLOYER).requireExternalId(STAGE_ROLE, "ext-id-1234");
    String token = f.token();
    Credentials web =
        f.anonymous()
            .assumeRoleWithWebIdentity(
                b -> b.roleArn(DEPLOYER).roleSessionName("s1").webIdentityToken(token))
            .credentials();
    AssumeRoleResponse stage =
        f.signedBy(web)
            .assumeRole(
                b -> b.roleArn(STAGE_ROLE).roleSessionName("hop").externalId("ext-id-1234"));
    String untrusted =
        new JwtIssuer().mint("x", "y", f.clock.instant(), f.clock.instant().plusSeconds(60));
    assertStsError(
        () ->
            f.anonymous()
                .assumeRoleWithWebIdentity(
                    b -> b.roleArn(DEPLOYER).roleSessionName("s2").webIdentityToken(untrusted)),
        "InvalidIdentityToken",
        400);
    assertStsError(
        () ->
            f.signedBy("ASIAZZZZZZZZZZZZZZZZ", "y".repeat(40), "made-up-session-token")
                .getCallerIdentity(),
        "InvalidClientTokenId",
        403);
    f.sts.failNext("*", 1, "Throttling", 400, "Rate exceeded");
    assertStsError(() -> f.signedBy(stage.credentials()).getCallerIdentity(), "Throttling", 400);

    assertThat(f.sts.secretMaterial())
        .contains(
            token,
            untrusted,
            web.secretAccessKey(),
            web.sessionToken(),
            stage.credentials().secretAccessKey(),
            stage.credentials().sessionToken(),
            "made-up-session-token");
    assertThat(f.sts.secretMaterial())
        .doesNotContain(web.accessKeyId(), stage.credentials().accessKeyId());

    List<String> printed = new ArrayList<>();
    f.sts.calls().forEach(c -> printed.add(c.toString()));
    printed.add(f.sts.calls().toString());
    printed.add(f.sts.session(web.accessKeyId()).orElseThrow().toString());
    printed.add(f.sts.session(stage.credentials().accessKeyId()).orElseThrow().toString());
    printed.add(f.sts.toString());
    printed.add(f.issuer.toString());
    synchronized (logLines) {
      assertThat(logLines).as("the emulator logs a summary per call").hasSameSizeAs(f.sts.calls());
      printed.addAll(logLines);
    }
    assertThat(String.join("\n", printed)).contains(web.accessKeyId(), "hop");
    for (String secret : f.sts.secretMaterial()) {
      assertThat(printed).allSatisfy(line -> assertThat(line).doesNotContain(secret));
    }
    assertThat(printed).allSatisfy(line -> assertThat(line).doesNotContain("ext-id-1234"));
  }
}
