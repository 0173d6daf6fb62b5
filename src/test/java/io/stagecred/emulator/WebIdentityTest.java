package io.stagecred.emulator;

import static io.stagecred.emulator.StsAsserts.assertStsError;
import static io.stagecred.emulator.StsFixture.AUDIENCE;
import static io.stagecred.emulator.StsFixture.DEPLOYER;
import static io.stagecred.emulator.StsFixture.SUBJECT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.ExpiredTokenException;
import software.amazon.awssdk.services.sts.model.InvalidIdentityTokenException;
import software.amazon.awssdk.services.sts.model.StsException;

class WebIdentityTest {
  private StsFixture f;

  @AfterEach
  void close() {
    f.close();
  }

  @Test
  void issuesCredentialsForATrustedToken() {
    f = new StsFixture(60);
    Instant now = f.clock.instant();

    AssumeRoleWithWebIdentityResponse r =
        f.anonymous()
            .assumeRoleWithWebIdentity(
                b ->
                    b.roleArn(DEPLOYER)
                        .roleSessionName("session-1")
                        .durationSeconds(900)
                        .webIdentityToken(f.token()));

    Credentials c = r.credentials();
    assertThat(c.accessKeyId()).matches("ASIA[A-Z0-9]{16}");
    assertThat(c.secretAccessKey()).matches("[A-Za-z0-9+/]{40}");
    assertThat(c.sessionToken()).hasSizeGreaterThan(200).matches("[A-Za-z0-9+/]+=*");
    // 900 s with lifetime divisor 60 = 15 s
    assertThat(c.expiration()).isEqualTo(now.plusSeconds(15));
    assertThat(r.assumedRoleUser().arn())
        .isEqualTo("arn:aws:sts::123456789012:assumed-role/deployer/session-1");
    assertThat(r.assumedRoleUser().assumedRoleId()).matches("AROA[A-Z0-9]{17}:session-1");
    assertThat(r.subjectFromWebIdentityToken()).isEqualTo(SUBJECT);
    assertThat(r.provider()).isEqualTo(f.issuer.issuer());
    assertThat(r.audience()).isEqualTo(AUDIENCE);
    assertThat(r.responseMetadata().requestId()).isNotBlank();
  }

  @Test
  void defaultDurationIsOneHour() {
    f = new StsFixture();

    assertThat(f.webIdentity("s1").credentials().expiration())
        .isEqualTo(f.clock.instant().plusSeconds(3600));
  }

  @Test
  void lifetimeIsAtLeastOneSecond() {
    f = new StsFixture(1_000_000);

    assertThat(f.webIdentity("s1").credentials().expiration())
        .isEqualTo(f.clock.instant().plusSeconds(1));
  }

  @Test
  void roleMaxSessionDurationCanBeRaised() {
    f = new StsFixture();
    f.sts.maxSessionDuration(DEPLOYER, 43200);

    AssumeRoleWithWebIdentityResponse r =
        f.anonymous()
            .assumeRoleWithWebIdentity(
                b ->
                    b.roleArn(DEPLOYER)
                        .roleSessionName("long")
                        .durationSeconds(43200)
                        .webIdentityToken(f.token()));

    assertThat(r.credentials().expiration()).isEqualTo(f.clock.instant().plusSeconds(43200));
  }

  @Test
  void acceptsProjectedServiceAccountTokensAndSubjectGlobs() {
    f = new StsFixture();
    Instant now = f.clock.instant();
    String token =
        f.issuer.mintForServiceAccount("ci", "any-name", AUDIENCE, now, now.plusSeconds(600));

    AssumeRoleWithWebIdentityResponse r =
        f.anonymous()
            .assumeRoleWithWebIdentity(
                b -> b.roleArn(DEPLOYER).roleSessionName("sa").webIdentityToken(token));

    assertThat(r.subjectFromWebIdentityToken()).isEqualTo("system:serviceaccount:ci:any-name");
  }

  /** A rejected request: how it differs from a valid one, and the answer STS gives. */
  record Case(
      String name,
      BiConsumer<StsFixture, AssumeRoleWithWebIdentityRequest.Builder> change,
      String code,
      int status,
      String message) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> rejections() {
    return Stream.of(
        new Case(
            "expired token",
            (f, b) ->
                b.webIdentityToken(
                    f.issuer.mint(
                        SUBJECT,
                        AUDIENCE,
                        f.clock.instant().minusSeconds(7200),
                        f.clock.instant().minusSeconds(1))),
            "ExpiredTokenException",
            400,
            "Token expired: current date/time"),
        new Case(
            "token from an untrusted issuer",
            (f, b) ->
                b.webIdentityToken(
                    new JwtIssuer()
                        .mint(
                            SUBJECT,
                            AUDIENCE,
                            f.clock.instant(),
                            f.clock.instant().plusSeconds(600))),
            "InvalidIdentityToken",
            400,
            "No OpenIDConnect provider found"),
        new Case(
            "forged signature (same issuer URL and kid, other key)",
            (f, b) ->
                b.webIdentityToken(
                    new JwtIssuer(f.issuer.issuer(), f.issuer.kid())
                        .mint(
                            SUBJECT,
                            AUDIENCE,
                            f.clock.instant(),
                            f.clock.instant().plusSeconds(600))),
            "InvalidIdentityToken",
            400,
            "signature"),
        new Case(
            "not a JWT",
            (f, b) -> b.webIdentityToken("not-a-jwt"),
            "InvalidIdentityToken",
            400,
            "not a valid JWT"),
        new Case(
            "wrong audience",
            (f, b) -> b.webIdentityToken(f.token(SUBJECT, "some-other-audience")),
            "InvalidIdentityToken",
            400,
            "Incorrect token audience"),
        new Case(
            "token issued 10 minutes in the future",
            (f, b) ->
                b.webIdentityToken(
                    f.issuer.mint(
                        SUBJECT,
                        AUDIENCE,
                        f.clock.instant().plusSeconds(600),
                        f.clock.instant().plusSeconds(3600))),
            "InvalidIdentityToken",
            400,
            "not yet valid"),
        new Case(
            "subject not trusted by the role",
            (f, b) -> b.webIdentityToken(f.token("system:serviceaccount:other:deployer", AUDIENCE)),
            "AccessDenied",
            403,
            "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        new Case(
            "role without trust rules",
            (f, b) -> b.roleArn(StsFixture.STAGE_ROLE),
            "AccessDenied",
            403,
            "Not authorized to perform sts:AssumeRoleWithWebIdentity"),
        new Case(
            "session name with a space",
            (f, b) -> b.roleSessionName("bad name"),
            "ValidationError",
            400,
            "1 validation error detected: Value 'bad name' at 'roleSessionName'"
                + " failed to satisfy constraint: Member must satisfy regular expression pattern"),
        new Case(
            "session name too short",
            (f, b) -> b.roleSessionName("a"),
            "ValidationError",
            400,
            "Member must have length greater than or equal to 2"),
        new Case(
            "session name too long",
            (f, b) -> b.roleSessionName("s".repeat(65)),
            "ValidationError",
            400,
            "Member must have length less than or equal to 64"),
        new Case(
            "duration below 900",
            (f, b) -> b.durationSeconds(899),
            "ValidationError",
            400,
            "at 'durationSeconds' failed to satisfy constraint:"
                + " Member must have value greater than or equal to 900"),
        new Case(
            "duration above 43200",
            (f, b) -> b.durationSeconds(43201),
            "ValidationError",
            400,
            "Member must have value less than or equal to 43200"),
        new Case(
            "duration above the role's MaxSessionDuration",
            (f, b) -> b.durationSeconds(3601),
            "ValidationError",
            400,
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."),
        new Case(
            "two invalid parameters",
            (f, b) -> b.roleSessionName("x").durationSeconds(1),
            "ValidationError",
            400,
            "2 validation errors detected"),
        new Case(
            "malformed role ARN",
            (f, b) -> b.roleArn("arn:aws:iam::123456789012:user/bob"),
            "ValidationError",
            400,
            "at 'roleArn' failed to satisfy constraint"),
        new Case(
            "session policy that is not JSON",
            (f, b) -> b.policy("{not json"),
            "MalformedPolicyDocument",
            400,
            "The policy is not in the valid JSON format."));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejects(Case c) {
    f = new StsFixture();
    AssumeRoleWithWebIdentityRequest.Builder b =
        AssumeRoleWithWebIdentityRequest.builder()
            .roleArn(DEPLOYER)
            .roleSessionName("session-1")
            .webIdentityToken(f.token());
    c.change().accept(f, b);
    AssumeRoleWithWebIdentityRequest request = b.build();

    StsException e =
        assertStsError(
            () -> f.anonymous().assumeRoleWithWebIdentity(request), c.code(), c.status());

    assertThat(e.awsErrorDetails().errorMessage()).contains(c.message());
    assertThat(e.getMessage()).doesNotContain(request.webIdentityToken());
    List<Call> calls = f.sts.calls();
    assertThat(calls).hasSize(1);
    assertThat(calls.get(0).outcome()).isEqualTo(c.code());
    assertThat(calls.get(0).issuedAccessKeyId()).isNull();
  }

  @Test
  void modeledErrorsMapToTheSdkExceptionClasses() {
    f = new StsFixture();
    Instant now = f.clock.instant();
    String expired =
        f.issuer.mint(SUBJECT, AUDIENCE, now.minus(Duration.ofHours(2)), now.minusSeconds(60));

    assertThat(
            assertStsError(
                () ->
                    f.anonymous()
                        .assumeRoleWithWebIdentity(
                            b ->
                                b.roleArn(DEPLOYER)
                                    .roleSessionName("s1")
                                    .webIdentityToken(expired)),
                "ExpiredTokenException",
                400))
        .isInstanceOf(ExpiredTokenException.class);
    assertThat(
            assertStsError(
                () ->
                    f.anonymous()
                        .assumeRoleWithWebIdentity(
                            b ->
                                b.roleArn(DEPLOYER)
                                    .roleSessionName("s1")
                                    .webIdentityToken("a.b.c")),
                "InvalidIdentityToken",
                400))
        .isInstanceOf(InvalidIdentityTokenException.class);
  }

  @Test
  void tokenExpiresOnTheEmulatorClock() {
    f = new StsFixture();
    String token = f.token();
    f.clock.advance(Duration.ofMinutes(61));

    assertStsError(
        () ->
            f.anonymous()
                .assumeRoleWithWebIdentity(
                    b -> b.roleArn(DEPLOYER).roleSessionName("late").webIdentityToken(token)),
        "ExpiredTokenException",
        400);
  }
}
