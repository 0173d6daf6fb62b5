package io.stagecred.emulator;

import static io.stagecred.emulator.StsAsserts.assertStsError;
import static io.stagecred.emulator.StsFixture.DEPLOYER;
import static io.stagecred.emulator.StsFixture.STAGE_ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;
import software.amazon.awssdk.services.sts.model.Tag;

/** Role chaining: web identity credentials sign AssumeRole into a stage role. */
class AssumeRoleTest {
  static final String EXTERNAL_ID = "stagecred-dev-7f3a";
  static final String AUDIT_ROLE = "arn:aws:iam::210987654321:role/audit";

  private final StsFixture f = new StsFixture();
  private Credentials deployer;
  private StsClient asDeployer;

  @BeforeEach
  void deployerSession() {
    f.sts.allowAssumeRole(STAGE_ROLE, DEPLOYER).requireExternalId(STAGE_ROLE, EXTERNAL_ID);
    f.sts.allowAssumeRole(AUDIT_ROLE, "arn:aws:sts::123456789012:assumed-role/stage-*/*");
    deployer = f.webIdentity("ci-run-42").credentials();
    asDeployer = f.signedBy(deployer);
  }

  @AfterEach
  void close() {
    f.close();
  }

  private AssumeRoleRequest.Builder stageRequest() {
    return AssumeRoleRequest.builder()
        .roleArn(STAGE_ROLE)
        .roleSessionName("dev-deploy")
        .externalId(EXTERNAL_ID);
  }

  @Test
  @SuppressWarnings("deprecation") // the SDK deprecates packedPolicySize(); STS still sends it
  void chainsIntoAStageRoleWithTagsExternalIdAndSourceIdentity() {
    AssumeRoleResponse r =
        asDeployer.assumeRole(
            stageRequest()
                .durationSeconds(1800)
                .sourceIdentity("ci-run-42")
                .tags(
                    Tag.builder().key("stage").value("dev").build(),
                    Tag.builder().key("pipeline").value("deploy/main").build())
                .transitiveTagKeys("stage")
                .build());

    assertThat(r.assumedRoleUser().arn())
        .isEqualTo("arn:aws:sts::123456789012:assumed-role/stage-dev/dev-deploy");
    assertThat(r.assumedRoleUser().assumedRoleId()).matches("AROA[A-Z0-9]{17}:dev-deploy");
    assertThat(r.sourceIdentity()).isEqualTo("ci-run-42");
    assertThat(r.packedPolicySize()).isBetween(1, 100);
    assertThat(r.credentials().expiration()).isEqualTo(f.clock.instant().plusSeconds(1800));
    assertThat(r.credentials().accessKeyId())
        .matches("ASIA[A-Z0-9]{16}")
        .isNotEqualTo(deployer.accessKeyId());

    Call call = f.sts.calls().get(f.sts.calls().size() - 1);
    assertThat(call.action()).isEqualTo("AssumeRole");
    assertThat(call.outcome()).isEqualTo("OK");
    assertThat(call.roleArn()).isEqualTo(STAGE_ROLE);
    assertThat(call.roleSessionName()).isEqualTo("dev-deploy");
    assertThat(call.durationSeconds()).isEqualTo(1800);
    assertThat(call.externalId()).isEqualTo(EXTERNAL_ID);
    assertThat(call.sourceIdentity()).isEqualTo("ci-run-42");
    assertThat(call.tags()).containsOnly(entry("stage", "dev"), entry("pipeline", "deploy/main"));
    assertThat(call.transitiveTagKeys()).containsExactly("stage");
    assertThat(call.subject()).isEqualTo(DEPLOYER);
    assertThat(call.accessKeyIdUsed()).isEqualTo(deployer.accessKeyId());
    assertThat(call.issuedAccessKeyId()).isEqualTo(r.credentials().accessKeyId());

    IssuedSession session = f.sts.session(r.credentials().accessKeyId()).orElseThrow();
    assertThat(session.roleArn()).isEqualTo(STAGE_ROLE);
    assertThat(session.tags())
        .containsOnly(entry("stage", "dev"), entry("pipeline", "deploy/main"));
    assertThat(f.signedBy(r.credentials()).getCallerIdentity().arn())
        .isEqualTo(r.assumedRoleUser().arn());
  }

  @Test
  void transitiveTagsAndSourceIdentityCarryOverToTheNextHop() {
    Credentials stage =
        asDeployer
            .assumeRole(
                stageRequest()
                    .sourceIdentity("ci-run-42")
                    .tags(
                        Tag.builder().key("stage").value("dev").build(),
                        Tag.builder().key("temp").value("x").build())
                    .transitiveTagKeys("stage")
                    .build())
            .credentials();

    AssumeRoleResponse audit =
        f.signedBy(stage).assumeRole(b -> b.roleArn(AUDIT_ROLE).roleSessionName("audit"));

    assertThat(audit.assumedRoleUser().arn())
        .isEqualTo("arn:aws:sts::210987654321:assumed-role/audit/audit");
    assertThat(audit.sourceIdentity()).isEqualTo("ci-run-42");
    IssuedSession session = f.sts.session(audit.credentials().accessKeyId()).orElseThrow();
    assertThat(session.tags()).containsOnly(entry("stage", "dev"));
    assertThat(session.transitiveTagKeys()).containsExactly("stage");
    assertThat(session.sourceIdentity()).isEqualTo("ci-run-42");
  }

  /** A rejected AssumeRole: how it differs from a valid one, and the answer STS gives. */
  record Case(
      String name,
      Consumer<AssumeRoleRequest.Builder> change,
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
            "chained DurationSeconds above one hour",
            b -> b.durationSeconds(3601),
            "ValidationError",
            400,
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by"
                + " role chaining."),
        new Case(
            "caller not trusted by the role",
            b -> b.roleArn(AUDIT_ROLE).externalId(null),
            "AccessDenied",
            403,
            "User: arn:aws:sts::123456789012:assumed-role/deployer/ci-run-42"
                + " is not authorized to perform: sts:AssumeRole on resource: "
                + AUDIT_ROLE),
        new Case(
            "missing ExternalId", b -> b.externalId(null), "AccessDenied", 403, "not authorized"),
        new Case(
            "wrong ExternalId",
            b -> b.externalId("stagecred-prod-0000"),
            "AccessDenied",
            403,
            "not authorized"),
        new Case(
            "ExternalId with an illegal character",
            b -> b.externalId("bad id!"),
            "ValidationError",
            400,
            "at 'externalId'"),
        new Case(
            "tag key with an illegal character",
            b -> b.tags(Tag.builder().key("bad*key").value("v").build()),
            "ValidationError",
            400,
            "Value 'bad*key' at 'tags.1.member.key' failed to satisfy constraint"),
        new Case(
            "tag value too long",
            b -> b.tags(Tag.builder().key("k").value("v".repeat(257)).build()),
            "ValidationError",
            400,
            "Member must have length less than or equal to 256"),
        new Case(
            "51 tags",
            b ->
                b.tags(
                    IntStream.rangeClosed(1, 51)
                        .mapToObj(i -> Tag.builder().key("k" + i).value("v").build())
                        .toList()),
            "ValidationError",
            400,
            "at 'tags' failed to satisfy constraint"),
        new Case(
            "tag keys differing only in case",
            b ->
                b.tags(
                    Tag.builder().key("Stage").value("a").build(),
                    Tag.builder().key("stage").value("b").build()),
            "ValidationError",
            400,
            "Duplicate tag keys"),
        new Case(
            "source identity with a space",
            b -> b.sourceIdentity("ci run"),
            "ValidationError",
            400,
            "at 'sourceIdentity'"),
        new Case(
            "session name with a slash",
            b -> b.roleSessionName("dev/deploy"),
            "ValidationError",
            400,
            "at 'roleSessionName'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rejections")
  void rejects(Case c) {
    AssumeRoleRequest.Builder b = stageRequest();
    c.change().accept(b);
    AssumeRoleRequest request = b.build();

    StsException e = assertStsError(() -> asDeployer.assumeRole(request), c.code(), c.status());

    assertThat(e.awsErrorDetails().errorMessage())
        .contains(c.message())
        .doesNotContain(EXTERNAL_ID);
    List<Call> calls = f.sts.calls();
    assertThat(calls.get(calls.size() - 1).outcome()).isEqualTo(c.code());
  }

  @Test
  void changingTheSourceIdentityWithinAChainIsDenied() {
    Credentials stage =
        asDeployer.assumeRole(stageRequest().sourceIdentity("alice").build()).credentials();

    assertStsError(
        () ->
            f.signedBy(stage)
                .assumeRole(
                    b -> b.roleArn(AUDIT_ROLE).roleSessionName("audit").sourceIdentity("mallory")),
        "AccessDenied",
        403);
  }

  @Test
  void unsignedAssumeRoleIsMissingAuthentication() {
    assertStsError(
        () -> f.anonymous().assumeRole(stageRequest().build()), "MissingAuthenticationToken", 403);
  }

  @Test
  void permissiveModeLetsAnyTrustedTokenAndAnySessionThrough() {
    try (StsFixture demo = new StsFixture()) {
      demo.sts.permissive();
      String anyRole = "arn:aws:iam::999999999999:role/whatever";
      Credentials web =
          demo.anonymous()
              .assumeRoleWithWebIdentity(
                  b ->
                      b.roleArn(anyRole)
                          .roleSessionName("demo")
                          .webIdentityToken(demo.token("someone", "some-audience")))
              .credentials();

      AssumeRoleResponse r =
          demo.signedBy(web)
              .assumeRole(
                  b ->
                      b.roleArn("arn:aws:iam::888888888888:role/path/target")
                          .roleSessionName("hop"));

      assertThat(r.assumedRoleUser().arn())
          .isEqualTo("arn:aws:sts::888888888888:assumed-role/target/hop");
      // tokens from issuers it does not trust are still refused
      String foreign =
          new JwtIssuer()
              .mint("x", "y", demo.clock.instant(), demo.clock.instant().plusSeconds(60));
      assertStsError(
          () ->
              demo.anonymous()
                  .assumeRoleWithWebIdentity(
                      b -> b.roleArn(anyRole).roleSessionName("demo").webIdentityToken(foreign)),
          "InvalidIdentityToken",
          400);
    }
  }
}
