package io.stagecred.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Condition;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.Reason;
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
        renewal,
        false);
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
        false);
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
    DeploymentCredentialStatus s = StatusBuilder.fromStages(null, 3, outcomes, T0);
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
        StatusBuilder.fromStages(null, 1, List.of(ok("dev", T1), ok("prod", T0)), T0);
    assertThat(s.getNextRenewal()).isEqualTo(T0.toString());
  }

  @Test
  void transitionTimeIsKeptWhileTheStatusValueStaysTheSame() {
    DeploymentCredentialStatus first =
        StatusBuilder.fromStages(null, 1, List.of(ok("dev", T1)), T0);
    DeploymentCredentialStatus same =
        StatusBuilder.fromStages(first, 2, List.of(ok("dev", T1)), T1);
    assertThat(same.getConditions().get(0).getLastTransitionTime()).isEqualTo(T0.toString());
    DeploymentCredentialStatus flipped =
        StatusBuilder.refused(same, 3, Reason.InvalidSpec, "spec.region is missing", T1);
    assertThat(flipped.getConditions().get(0).getLastTransitionTime()).isEqualTo(T1.toString());
    assertThat(flipped.getStages())
        .as("refusal keeps the stage entries of untouched Secrets")
        .hasSize(1);
  }

  @Test
  void failureCountAndTimeAppearOnlyForFailingStages() {
    DeploymentCredentialStatus s =
        StatusBuilder.fromStages(
            null, 1, List.of(ok("dev", T1), failing("prod", Reason.AccessDenied, false)), T0);
    assertThat(s.getStages().get(0).getFailures()).isNull();
    assertThat(s.getStages().get(0).getLastFailureTime()).isNull();
    assertThat(s.getStages().get(1).getFailures()).isEqualTo(2);
    assertThat(s.getStages().get(1).getLastFailureTime()).isEqualTo(T0.toString());
    assertThat(s.getStages().get(1).getReason()).isEqualTo("AccessDenied");
  }
}
