package io.stagecred.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.Reason;
import io.stagecred.renewal.LastAttempt;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatusBuilderTest {

  private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
  private static final Instant T1 = Instant.parse("2026-11-21T10:05:00Z");

  private static StageOutcome ok(String stage, Instant renewal) {
    return new StageOutcome(
        stage,
        "app-" + stage,
        "arn:aws:iam::111111111111:role/r",
        true,
        Reason.CredentialsIssued,
        "fine",
        "arn:aws:sts::111111111111:assumed-role/r/s",
        renewal.plusSeconds(1200),
        renewal,
        0,
        null,
        null,
        null,
        renewal);
  }

  private static StageOutcome failing(String stage, Reason reason, boolean stillValid) {
    return new StageOutcome(
        stage,
        "app-" + stage,
        "arn:aws:iam::111111111111:role/r",
        stillValid,
        reason,
        "what to fix",
        null,
        null,
        null,
        2,
        T0,
        T0.plusSeconds(10),
        "fp/1",
        T0.plusSeconds(10));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "all stages fresh",
            List.of(ok("dev", T1), ok("prod", T0)),
            "True",
            "CredentialsIssued",
            "2/2"),
        Arguments.of("no concrete stages", List.of(), "True", "CredentialsIssued", "0/0"),
        Arguments.of(
            "one stage denied",
            List.of(ok("dev", T1), failing("prod", Reason.AccessDenied, false)),
            "False",
            "AccessDenied",
            "1/2"),
        Arguments.of(
            "renewal failing but credentials still valid",
            List.of(ok("dev", T1), failing("prod", Reason.StsUnavailable, true)),
            "True",
            "StsUnavailable",
            "2/2"),
        Arguments.of(
            "conflict",
            List.of(failing("dev", Reason.SecretConflict, false)),
            "False",
            "SecretConflict",
            "0/1"));
  }

  @ParameterizedTest(name = "{0}: Ready={2} {3}")
  @MethodSource("cases")
  void readyConditionSummarisesTheStages(
      String name, List<StageOutcome> outcomes, String status, String reason, String readyStages) {
    DeploymentCredentialStatus s = StatusBuilder.fromStages(null, 3, outcomes, List.of(), T0);
    Condition ready = s.getConditions().get(0);
    assertThat(ready.getType()).isEqualTo("Ready");
    assertThat(ready.getStatus()).isEqualTo(status);
    assertThat(ready.getReason()).isEqualTo(reason);
    assertThat(ready.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getObservedGeneration()).isEqualTo(3L);
    assertThat(s.getReadyStages()).isEqualTo(readyStages);
    assertThat(s.getStages()).hasSize(outcomes.size());
  }

  @Test
  void nextRenewalIsTheEarliestStageRenewal() {
    DeploymentCredentialStatus s =
        StatusBuilder.fromStages(null, 1, List.of(ok("dev", T1), ok("prod", T0)), List.of(), T0);
    assertThat(s.getNextRenewal()).isEqualTo(T0.toString());
  }

  @Test
  void transitionTimeIsKeptWhileTheStatusValueStaysTheSame() {
    DeploymentCredentialStatus first =
        StatusBuilder.fromStages(null, 1, List.of(ok("dev", T1)), List.of(), T0);
    DeploymentCredentialStatus same =
        StatusBuilder.fromStages(first, 2, List.of(ok("dev", T1)), List.of(), T1);
    assertThat(same.getConditions().get(0).getLastTransitionTime()).isEqualTo(T0.toString());
    DeploymentCredentialStatus flipped =
        StatusBuilder.refused(
            same, 3, Reason.InvalidSpec, "spec.region is missing", List.of(ok("dev", T1)), T1);
    assertThat(flipped.getConditions().get(0).getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(flipped.getStages()).as("a refusal reports what each Secret holds").hasSize(1);
  }

  @Test
  void failureCountAndTimeAppearOnlyForFailingStages() {
    DeploymentCredentialStatus s =
        StatusBuilder.fromStages(
            null,
            1,
            List.of(ok("dev", T1), failing("prod", Reason.AccessDenied, false)),
            List.of(),
            T0);
    assertThat(s.getStages().get(0).getFailures()).isNull();
    assertThat(s.getStages().get(0).getLastFailureTime()).isNull();
    assertThat(s.getStages().get(1).getFailures()).isEqualTo(2);
    assertThat(s.getStages().get(1).getLastFailureTime()).isEqualTo(T0.toString());
    assertThat(s.getStages().get(1).getReason()).isEqualTo("AccessDenied");
    assertThat(s.getStages().get(0).getNextAttemptTime()).isNull();
    assertThat(s.getStages().get(1).getNextAttemptTime()).isEqualTo(T0.plusSeconds(10).toString());
    assertThat(s.getStages().get(1).getRetryBasis()).isEqualTo("fp/1");
  }

  @Test
  void aStatusReadsBackAsTheLastAttemptOfEachStage() {
    DeploymentCredentialStatus s =
        StatusBuilder.fromStages(
            null,
            1,
            List.of(ok("dev", T1), failing("prod", Reason.AccessDenied, false)),
            List.of(),
            T0);
    LastAttempt prod = StatusBuilder.lastAttempt(s, "prod");
    assertThat(prod)
        .isEqualTo(
            new LastAttempt(
                Reason.AccessDenied, "what to fix", 2, T0, T0.plusSeconds(10), "fp/1", false));
    assertThat(StatusBuilder.lastAttempt(s, "dev").heldCredentials()).isTrue();
    assertThat(StatusBuilder.lastAttempt(s, "qa")).isEqualTo(LastAttempt.NONE);
    assertThat(StatusBuilder.lastAttempt(null, "dev")).isEqualTo(LastAttempt.NONE);
  }

  @Test
  void aResourceWhoseStagesAllRenewedSaysCredentialsRenewed() {
    StageOutcome renewed = ok("dev", T1);
    renewed =
        new StageOutcome(
            "dev",
            "app-dev",
            renewed.roleArn(),
            true,
            Reason.CredentialsRenewed,
            renewed.message(),
            renewed.assumedRoleArn(),
            renewed.expiration(),
            renewed.renewalTime(),
            0,
            null,
            null,
            null,
            renewed.nextCheck());
    assertThat(
            StatusBuilder.fromStages(null, 1, List.of(renewed), List.of(), T0)
                .getConditions()
                .get(0)
                .getReason())
        .isEqualTo("CredentialsRenewed");
    assertThat(
            StatusBuilder.fromStages(null, 1, List.of(renewed, ok("qa", T1)), List.of(), T0)
                .getConditions()
                .get(0)
                .getReason())
        .isEqualTo("CredentialsIssued");
  }

  @Test
  void anInvalidStageEntryTurnsReadyFalseWhileTheOtherStagesStayIssued() {
    DeploymentCredentialStatus s =
        StatusBuilder.fromStages(
            null,
            1,
            List.of(ok("dev", T1)),
            List.of("spec.stages[1].durationSeconds is 100 but must be between 900 and 43200"),
            T0);
    Condition ready = s.getConditions().get(0);
    assertThat(ready.getStatus()).isEqualTo("False");
    assertThat(ready.getReason()).isEqualTo("InvalidSpec");
    assertThat(ready.getMessage())
        .contains("spec.stages[1].durationSeconds")
        .contains("1 of 1 stages hold valid credentials");
    assertThat(s.getReadyStages()).isEqualTo("1/1");
  }
}
