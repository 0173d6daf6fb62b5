package io.stagecred.stage;

import static io.stagecred.stage.Specs.identity;
import static io.stagecred.stage.Specs.spec;
import static io.stagecred.stage.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.StageSpec;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SpecValidatorTest {

  static final ValidationContext PLAIN = new ValidationContext("orders", false);
  static final ValidationContext OPERATOR_CHAINS = new ValidationContext("orders", true);
  static final String SOURCE = "arn:aws:iam::111111111111:role/ci-base";

  /** A case: start from {@link Specs#basic()}, break one thing, expect exactly these fields. */
  static Arguments bad(
      String scenario,
      Consumer<DeploymentCredentialSpec> change,
      ValidationContext ctx,
      String field,
      String fragment) {
    return arguments(scenario, change, ctx, field, fragment);
  }

  static StageSpec prod(DeploymentCredentialSpec s) {
    return s.getStages().get(1);
  }

  static Consumer<DeploymentCredentialSpec> chainedVia(String sourceRoleArn) {
    return s -> s.setIdentity(identity("orders-deployer", null, sourceRoleArn));
  }

  static Map<String, String> tags(int count) {
    Map<String, String> tags = new HashMap<>();
    IntStream.range(0, count).forEach(i -> tags.put("k" + i, "v"));
    return tags;
  }

  static Stream<Arguments> badSpecs() {
    return Stream.of(
        bad("a missing region", s -> s.setRegion(null), PLAIN, "spec.region", "us-east-1"),
        bad(
            "a region in the wrong case",
            s -> s.setRegion("US-EAST-1"),
            PLAIN,
            "spec.region",
            "region name"),
        bad(
            "a region that is an availability zone",
            s -> s.setRegion("us-east-1a"),
            PLAIN,
            "spec.region",
            "region name"),
        bad(
            "a region longer than the schema allows",
            s -> s.setRegion("us-" + "east".repeat(8) + "-1"),
            PLAIN,
            "spec.region",
            "region name"),
        bad("no stages at all", s -> s.setStages(null), PLAIN, "spec.stages", "at least one stage"),
        bad(
            "an empty stage list",
            s -> s.setStages(List.of()),
            PLAIN,
            "spec.stages",
            "at least one stage"),
        bad(
            "65 stages",
            s -> s.setStages(IntStream.range(0, 65).mapToObj(i -> stage("s" + i)).toList()),
            PLAIN,
            "spec.stages",
            "at most 64"),
        bad(
            "an empty stage entry",
            s -> s.getStages().set(1, null),
            PLAIN,
            "spec.stages[1]",
            "name and a roleArn"),
        bad(
            "a stage without a name",
            s -> prod(s).setName(null),
            PLAIN,
            "spec.stages[1].name",
            "is required"),
        bad(
            "an upper-case stage name",
            s -> prod(s).setName("Prod"),
            PLAIN,
            "spec.stages[1].name",
            "lowercase"),
        bad(
            "a stage name with an underscore",
            s -> prod(s).setName("pr_1"),
            PLAIN,
            "spec.stages[1].name",
            "lowercase"),
        bad(
            "a stage name ending in a dash",
            s -> prod(s).setName("prod-"),
            PLAIN,
            "spec.stages[1].name",
            "ending with a letter or digit"),
        bad(
            "a stage name longer than 63 characters",
            s -> prod(s).setName("p".repeat(64)),
            PLAIN,
            "spec.stages[1].name",
            "1..63"),
        bad(
            "a duplicate stage name",
            s -> prod(s).setName("dev"),
            PLAIN,
            "spec.stages[1].name",
            "duplicates spec.stages[0].name 'dev'"),
        bad(
            "the reserved stage name default",
            s -> prod(s).setName("default"),
            PLAIN,
            "spec.stages[1].name",
            "reserved"),
        bad(
            "a stage without a role",
            s -> prod(s).setRoleArn(null),
            PLAIN,
            "spec.stages[1].roleArn",
            "arn:aws:iam::111111111111:role/deploy-dev"),
        bad(
            "a user ARN instead of a role ARN",
            s -> prod(s).setRoleArn("arn:aws:iam::222222222222:user/deployer"),
            PLAIN,
            "spec.stages[1].roleArn",
            "must be an IAM role ARN such as arn:aws:iam::111111111111:role/deploy-dev"),
        bad(
            "a role ARN with an 11-digit account",
            s -> prod(s).setRoleArn("arn:aws:iam::22222222222:role/x"),
            PLAIN,
            "spec.stages[1].roleArn",
            "IAM role ARN"),
        bad(
            "a role name alone",
            s -> prod(s).setRoleArn("deploy-prod"),
            PLAIN,
            "spec.stages[1].roleArn",
            "IAM role ARN"),
        bad(
            "a malformed stage region",
            s -> prod(s).setRegion("eu west 1"),
            PLAIN,
            "spec.stages[1].region",
            "eu-west-1"),
        bad(
            "a stage lifetime below 15 minutes",
            s -> prod(s).setDurationSeconds(899),
            PLAIN,
            "spec.stages[1].durationSeconds",
            "between 900 and 43200"),
        bad(
            "a spec lifetime above 12 hours",
            s -> s.setDurationSeconds(43201),
            PLAIN,
            "spec.durationSeconds",
            "between 900 and 43200"),
        bad(
            "two hours when chained through a source role",
            chainedVia(SOURCE).andThen(s -> s.setDurationSeconds(7200)),
            PLAIN,
            "spec.durationSeconds",
            "chained sessions last at most 3600 seconds; lower durationSeconds or drop"
                + " identity.sourceRoleArn"),
        bad(
            "a stage of two hours when the operator chains its own role",
            s -> prod(s).setDurationSeconds(7200),
            OPERATOR_CHAINS,
            "spec.stages[1].durationSeconds",
            "set identity.serviceAccountName"),
        bad(
            "renewBefore longer than the schema allows",
            s -> s.setRenewBefore("0".repeat(31) + "5m"),
            PLAIN,
            "spec.renewBefore",
            "such as 20m"),
        bad(
            "renewBefore in words",
            s -> s.setRenewBefore("20 minutes"),
            PLAIN,
            "spec.renewBefore",
            "such as 20m, 1h30m or 90s"),
        bad(
            "renewBefore of zero",
            s -> s.setRenewBefore("0s"),
            PLAIN,
            "spec.renewBefore",
            "longer than zero"),
        bad(
            "renewBefore as long as the shortest stage",
            s -> s.setRenewBefore("30m"),
            PLAIN,
            "spec.renewBefore",
            "is 30m but stage 'prod' lasts only 30m (1800 seconds)"),
        bad(
            "renewBefore longer than the default lifetime",
            s -> s.setRenewBefore("2h"),
            PLAIN,
            "spec.renewBefore",
            "shorter than every stage's lifetime"),
        bad(
            "an upper-case defaultStage",
            s -> s.setDefaultStage("Dev"),
            PLAIN,
            "spec.defaultStage",
            "concrete stage name"),
        bad(
            "a defaultStage naming a pattern",
            s -> s.setDefaultStage("pr-*"),
            PLAIN,
            "spec.defaultStage",
            "no '*'"),
        bad(
            "a defaultStage naming no listed stage",
            s -> s.setDefaultStage("staging"),
            PLAIN,
            "spec.defaultStage",
            "one of [dev, prod]"),
        bad(
            "a mount path longer than the schema allows",
            s -> s.setMountPath("/" + "a".repeat(1024)),
            PLAIN,
            "spec.mountPath",
            "at most 1024"),
        bad(
            "a relative mount path",
            s -> s.setMountPath("var/run/stagecred"),
            PLAIN,
            "spec.mountPath",
            "absolute path"),
        bad(
            "a mount path with a space",
            s -> s.setMountPath("/var/run/my creds"),
            PLAIN,
            "spec.mountPath",
            "credential_process"),
        bad(
            "a mount path with shell syntax",
            s -> s.setMountPath("/tmp/$(id)"),
            PLAIN,
            "spec.mountPath",
            "absolute path"),
        bad(
            "an upper-case secretNamePrefix",
            s -> s.setSecretNamePrefix("Orders"),
            PLAIN,
            "spec.secretNamePrefix",
            "DNS subdomain"),
        bad(
            "a secretNamePrefix over 190 characters",
            s -> s.setSecretNamePrefix("a".repeat(191)),
            PLAIN,
            "spec.secretNamePrefix",
            "at most 190"),
        bad(
            "a prefix that makes a Secret name 254 characters long",
            s -> {
              s.setSecretNamePrefix("a".repeat(190));
              prod(s).setName("p".repeat(63));
            },
            PLAIN,
            "spec.secretNamePrefix",
            "254 characters"),
        bad(
            "a long resource name without a prefix",
            s -> prod(s).setName("p".repeat(60)),
            new ValidationContext("o".repeat(200), false),
            "metadata.name",
            "set spec.secretNamePrefix"),
        bad(
            "an externalId without chaining",
            s -> prod(s).setExternalId("orders-prod"),
            PLAIN,
            "spec.stages[1].externalId",
            "set identity.sourceRoleArn or remove externalId"),
        bad(
            "a one-character externalId",
            chainedVia(SOURCE).andThen(s -> prod(s).setExternalId("x")),
            PLAIN,
            "spec.stages[1].externalId",
            "2..1224"),
        bad(
            "an externalId longer than STS allows",
            chainedVia(SOURCE).andThen(s -> prod(s).setExternalId("x".repeat(1225))),
            PLAIN,
            "spec.stages[1].externalId",
            "2..1224"),
        bad(
            "sessionTags without chaining",
            s -> prod(s).setSessionTags(Map.of("team", "orders")),
            PLAIN,
            "spec.stages[1].sessionTags",
            "remove sessionTags"),
        bad(
            "48 session tags",
            chainedVia(SOURCE).andThen(s -> prod(s).setSessionTags(tags(48))),
            PLAIN,
            "spec.stages[1].sessionTags",
            "at most 47"),
        bad(
            "a tag key with an exclamation mark",
            chainedVia(SOURCE).andThen(s -> prod(s).setSessionTags(Map.of("te!am", "x"))),
            PLAIN,
            "spec.stages[1].sessionTags[\"te!am\"]",
            "letters, digits"),
        bad(
            "a tag key of 129 characters",
            chainedVia(SOURCE).andThen(s -> prod(s).setSessionTags(Map.of("k".repeat(129), "x"))),
            PLAIN,
            "spec.stages[1].sessionTags." + "k".repeat(129),
            "1..128"),
        bad(
            "a tag value of 257 characters",
            chainedVia(SOURCE)
                .andThen(s -> prod(s).setSessionTags(Map.of("team", "v".repeat(257)))),
            PLAIN,
            "spec.stages[1].sessionTags.team",
            "0..256"),
        bad(
            "a tag value with a semicolon",
            chainedVia(SOURCE).andThen(s -> prod(s).setSessionTags(Map.of("team", "a;b"))),
            PLAIN,
            "spec.stages[1].sessionTags.team",
            "_.:/=+-@"),
        bad(
            "a tag key in the aws: namespace",
            chainedVia(SOURCE).andThen(s -> prod(s).setSessionTags(Map.of("AWS:team", "x"))),
            PLAIN,
            "spec.stages[1].sessionTags[\"AWS:team\"]",
            "reserved prefix"),
        bad(
            "a tag key that stagecred sets itself",
            chainedVia(SOURCE).andThen(s -> prod(s).setSessionTags(Map.of("stagecred-stage", "x"))),
            PLAIN,
            "spec.stages[1].sessionTags.stagecred-stage",
            "reserved prefix"),
        bad(
            "two tag keys differing only in case",
            chainedVia(SOURCE)
                .andThen(
                    s ->
                        prod(s)
                            .setSessionTags(new LinkedHashMap<>(Map.of("Team", "a", "team", "b")))),
            PLAIN,
            "spec.stages[1].sessionTags.team",
            "only in case"),
        bad(
            "a tag without a value",
            chainedVia(SOURCE)
                .andThen(
                    s -> {
                      Map<String, String> t = new HashMap<>();
                      t.put("team", null);
                      prod(s).setSessionTags(t);
                    }),
            PLAIN,
            "spec.stages[1].sessionTags.team",
            "has no value"),
        bad(
            "a service account name with an underscore",
            s -> s.setIdentity(identity("orders_deployer", null, null)),
            PLAIN,
            "spec.identity.serviceAccountName",
            "e.g. orders-deployer"),
        bad(
            "a blank audience",
            s -> s.setIdentity(identity("orders-deployer", "  ", null)),
            PLAIN,
            "spec.identity.audience",
            "is blank"),
        bad(
            "an audience longer than an OIDC client ID",
            s -> s.setIdentity(identity("orders-deployer", "a".repeat(256), null)),
            PLAIN,
            "spec.identity.audience",
            "longer than 255"),
        bad(
            "an audience without a service account",
            s -> s.setIdentity(identity(null, "sts.amazonaws.com", null)),
            PLAIN,
            "spec.identity.audience",
            "(or a stage's serviceAccountName) or remove audience"),
        bad(
            "a source role that is a policy ARN",
            s ->
                s.setIdentity(
                    identity("orders-deployer", null, "arn:aws:iam::111111111111:policy/ci")),
            PLAIN,
            "spec.identity.sourceRoleArn",
            "arn:aws:iam::111111111111:role/ci-base"),
        bad(
            "a well-formed region that does not exist",
            s -> s.setRegion("xx-fake-9"),
            PLAIN,
            "spec.region",
            "stagecred.sts.allow-unknown-regions=true"),
        bad(
            "a stage region that does not exist",
            s -> prod(s).setRegion("eu-fake-1"),
            PLAIN,
            "spec.stages[1].region",
            "does not know"),
        bad(
            "a stage's service account that is not a name",
            s -> prod(s).setServiceAccountName("Prod Deployer"),
            PLAIN,
            "spec.stages[1].serviceAccountName",
            "orders-prod-deployer"),
        bad(
            "an external ID on a stage of its own account, while the others chain through the"
                + " operator's role",
            s -> {
              prod(s).setServiceAccountName("orders-prod");
              prod(s).setExternalId("orders-prod");
            },
            OPERATOR_CHAINS,
            "spec.stages[1].externalId",
            "chained"));
  }

  @Test
  void aStageEntrysOwnProblemConcernsThatStageAlone() {
    DeploymentCredentialSpec spec = Specs.basic();
    prod(spec).setServiceAccountName("Prod Deployer");
    spec.setRegion("nowhere");
    assertThat(SpecValidator.validate(spec, PLAIN))
        .extracting(Violation::field, Violation::stageIndex)
        .containsExactly(tuple("spec.region", null), tuple("spec.stages[1].serviceAccountName", 1));
  }

  @Test
  void aRegionNewerThanThisReleaseIsAcceptedWhenTheOperatorSaysSo() {
    DeploymentCredentialSpec spec = Specs.basic();
    spec.setRegion("xx-fake-9");
    assertThat(SpecValidator.validate(spec, new ValidationContext("orders", false, true)))
        .isEmpty();
  }

  @Test
  void aStageWithItsOwnServiceAccountIsNotChainedThroughTheOperatorsRole() {
    DeploymentCredentialSpec spec = Specs.basic();
    prod(spec).setServiceAccountName("orders-prod");
    assertThat(StageSettings.chained(spec, prod(spec), true)).isFalse();
    assertThat(StageSettings.chained(spec, spec.getStages().get(0), true)).isTrue();
    spec.setIdentity(identity(null, null, SOURCE));
    assertThat(StageSettings.chained(spec, prod(spec), true))
        .as("a declared source role chains every stage")
        .isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badSpecs")
  void aBadSpecIsReportedAtTheFieldWithTheFix(
      String scenario,
      Consumer<DeploymentCredentialSpec> change,
      ValidationContext ctx,
      String field,
      String fragment) {
    DeploymentCredentialSpec spec = Specs.basic();
    change.accept(spec);
    List<Violation> violations = SpecValidator.validate(spec, ctx);
    assertThat(violations)
        .as(violations.toString())
        .extracting(Violation::field)
        .containsExactly(field);
    assertThat(violations.get(0).message()).contains(fragment);
  }

  @Test
  void aMissingSpecIsOneViolation() {
    assertThat(SpecValidator.validate(null, PLAIN))
        .containsExactly(
            new Violation("spec", "is missing; set at least spec.region and spec.stages"));
  }

  @Test
  void everyProblemIsReportedAtOnceInFieldOrder() {
    DeploymentCredentialSpec spec = Specs.basic();
    spec.setRegion("nowhere");
    prod(spec).setRoleArn("nope");
    spec.setMountPath("relative");
    assertThat(SpecValidator.validate(spec, PLAIN))
        .extracting(Violation::field)
        .containsExactly("spec.region", "spec.stages[1].roleArn", "spec.mountPath");
  }

  @Test
  void messagesNeverEchoAnExternalId() {
    DeploymentCredentialSpec spec = Specs.basic();
    prod(spec).setExternalId("s3cr3t value!");
    spec.setIdentity(identity("orders-deployer", null, SOURCE));
    assertThat(SpecValidator.validate(spec, PLAIN))
        .singleElement()
        .satisfies(v -> assertThat(v.toString()).doesNotContain("s3cr3t"));
  }

  static Stream<Arguments> goodSpecs() {
    return Stream.of(
        arguments(
            "the design document's example",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  DeploymentCredentialSpec d = Specs.documented();
                  copy(d, s);
                },
            PLAIN),
        arguments(
            "a region and one stage",
            (Consumer<DeploymentCredentialSpec>) s -> s.setStages(List.of(stage("dev"))),
            PLAIN),
        arguments(
            "pattern stages only (served to sidecars)",
            (Consumer<DeploymentCredentialSpec>)
                s -> s.setStages(List.of(stage("pr-*"), stage("*"))),
            PLAIN),
        arguments(
            "the operator chaining its own role with an externalId and tags",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  prod(s).setExternalId("orders-prod");
                  prod(s)
                      .setSessionTags(
                          Map.of("team", "orders", "cost center", "4711", "ünïcode:/=+-@_.", "ok"));
                },
            OPERATOR_CHAINS),
        arguments(
            "a source role without a service account (the operator's token, chained)",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  s.setIdentity(identity(null, null, SOURCE));
                  prod(s).setExternalId("orders-prod");
                },
            PLAIN),
        arguments(
            "12 hours without chaining",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  s.setDurationSeconds(43200);
                  prod(s).setDurationSeconds(900);
                },
            PLAIN),
        arguments(
            "renewBefore just under the shortest lifetime",
            (Consumer<DeploymentCredentialSpec>) s -> s.setRenewBefore("29m59s"),
            PLAIN),
        arguments(
            "a prefix making Secret names exactly 253 characters",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  s.setSecretNamePrefix("a".repeat(189));
                  prod(s).setName("p".repeat(63));
                },
            PLAIN),
        arguments(
            "a dotted secretNamePrefix",
            (Consumer<DeploymentCredentialSpec>) s -> s.setSecretNamePrefix("orders.ci"),
            PLAIN),
        arguments(
            "no resource name known (a sidecar definition file)",
            (Consumer<DeploymentCredentialSpec>) s -> {},
            new ValidationContext(null, false)),
        arguments(
            "exactly 64 stages",
            (Consumer<DeploymentCredentialSpec>)
                s -> s.setStages(IntStream.range(0, 64).mapToObj(i -> stage("s" + i)).toList()),
            PLAIN),
        arguments(
            "exactly 47 session tags when chained",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  s.setIdentity(identity("orders-deployer", "sts.amazonaws.com", SOURCE));
                  prod(s).setSessionTags(tags(47));
                },
            PLAIN),
        arguments(
            "an empty tag value",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  s.setIdentity(identity("orders-deployer", null, SOURCE));
                  prod(s).setSessionTags(Map.of("team", ""));
                },
            PLAIN),
        arguments(
            "a GovCloud region and partition",
            (Consumer<DeploymentCredentialSpec>)
                s -> {
                  s.setRegion("us-gov-west-1");
                  prod(s).setRoleArn("arn:aws-us-gov:iam::222222222222:role/path/deploy-prod");
                },
            PLAIN),
        arguments(
            "an empty identity block",
            (Consumer<DeploymentCredentialSpec>) s -> s.setIdentity(identity(null, null, null)),
            PLAIN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodSpecs")
  void aGoodSpecHasNoViolations(
      String scenario, Consumer<DeploymentCredentialSpec> change, ValidationContext ctx) {
    DeploymentCredentialSpec spec = Specs.basic();
    change.accept(spec);
    assertThat(SpecValidator.validate(spec, ctx)).isEmpty();
  }

  private static void copy(DeploymentCredentialSpec from, DeploymentCredentialSpec to) {
    to.setRegion(from.getRegion());
    to.setIdentity(from.getIdentity());
    to.setDurationSeconds(from.getDurationSeconds());
    to.setRenewBefore(from.getRenewBefore());
    to.setDefaultStage(from.getDefaultStage());
    to.setMountPath(from.getMountPath());
    to.setSecretNamePrefix(from.getSecretNamePrefix());
    to.setStages(from.getStages());
  }
}
