package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.Reason;
import io.stagecred.api.StageStatus;
import io.stagecred.renewal.LastAttempt;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the resource status from stage outcomes (and a resource-wide problem, if any), keeping a
 * condition's lastTransitionTime when its status did not change, and reads back what a previous
 * status says about a stage. Pure.
 */
public final class StatusBuilder {

  public static final String READY = "Ready";

  private StatusBuilder() {}

  /**
   * Status after a pass over the concrete stages. {@code specProblems} are violations of single
   * stage entries: those stages were not issued, the others were, and the condition says so.
   */
  public static DeploymentCredentialStatus fromStages(
      DeploymentCredentialStatus previous,
      long generation,
      List<StageOutcome> outcomes,
      List<String> specProblems,
      Instant now) {
    DeploymentCredentialStatus status = withStages(generation, outcomes);
    status.setNextRenewal(
        outcomes.stream()
            .map(StageOutcome::renewalTime)
            .filter(Objects::nonNull)
            .min(Comparator.naturalOrder())
            .map(Instant::toString)
            .orElse(null));
    long ready = outcomes.stream().filter(StageOutcome::ready).count();
    Optional<StageOutcome> firstProblem = outcomes.stream().filter(o -> !o.ready()).findFirst();
    Optional<StageOutcome> firstWarning =
        outcomes.stream().filter(o -> o.ready() && o.failures() > 0).findFirst();
    Condition readyCondition;
    if (!specProblems.isEmpty()) {
      readyCondition =
          condition(
              "False",
              Reason.InvalidSpec,
              "invalid spec: "
                  + String.join("; ", specProblems)
                  + ". Those stages are not issued or renewed; "
                  + ready
                  + " of "
                  + outcomes.size()
                  + " stages hold valid credentials",
              generation,
              now);
    } else if (firstProblem.isPresent()) {
      StageOutcome p = firstProblem.get();
      readyCondition =
          condition(
              "False",
              p.reason(),
              (outcomes.size() - ready)
                  + " of "
                  + outcomes.size()
                  + " stages not ready; stage "
                  + p.stage()
                  + ": "
                  + p.message(),
              generation,
              now);
    } else if (firstWarning.isPresent()) {
      StageOutcome w = firstWarning.get();
      readyCondition =
          condition(
              "True",
              w.reason(),
              "all "
                  + outcomes.size()
                  + " stages hold valid credentials, but renewing stage "
                  + w.stage()
                  + " failed: "
                  + w.message(),
              generation,
              now);
    } else {
      Reason reason =
          outcomes.stream().allMatch(o -> o.reason() == Reason.CredentialsRenewed)
                  && !outcomes.isEmpty()
              ? Reason.CredentialsRenewed
              : Reason.CredentialsIssued;
      readyCondition =
          condition(
              "True",
              reason,
              outcomes.isEmpty()
                  ? "no concrete stages: pattern stages serve sidecars only"
                  : "all " + outcomes.size() + " stages hold valid credentials",
              generation,
              now);
    }
    status.setConditions(merge(previous, readyCondition));
    return status;
  }

  /**
   * Status when the whole resource is refused (invalid spec, refused identity): nothing is issued
   * or renewed, and each stage says honestly what its Secret still holds.
   */
  public static DeploymentCredentialStatus refused(
      DeploymentCredentialStatus previous,
      long generation,
      Reason reason,
      String message,
      List<StageOutcome> outcomes,
      Instant now) {
    DeploymentCredentialStatus status = withStages(generation, outcomes);
    status.setConditions(merge(previous, condition("False", reason, message, generation, now)));
    return status;
  }

  /**
   * Status after a reconciliation that threw (the Kubernetes API failing, a bug): the condition
   * says so, the stage entries stay as the last pass wrote them.
   */
  public static DeploymentCredentialStatus failed(
      DeploymentCredentialStatus previous,
      long generation,
      Reason reason,
      String message,
      Instant now) {
    DeploymentCredentialStatus status = new DeploymentCredentialStatus();
    status.setObservedGeneration(generation);
    if (previous != null) {
      status.setStages(previous.getStages());
      status.setReadyStages(previous.getReadyStages());
      status.setNextRenewal(previous.getNextRenewal());
    }
    status.setConditions(merge(previous, condition("False", reason, message, generation, now)));
    return status;
  }

  /** Whether {@code previous} lists {@code stage}: it was looked at before, issued or not. */
  public static boolean lists(DeploymentCredentialStatus previous, String stage) {
    return previous != null
        && previous.getStages() != null
        && previous.getStages().stream().anyMatch(s -> stage.equals(s.getName()));
  }

  /** What the previous status said about {@code stage}, for the next decision. */
  public static LastAttempt lastAttempt(DeploymentCredentialStatus previous, String stage) {
    if (previous == null || previous.getStages() == null) {
      return LastAttempt.NONE;
    }
    return previous.getStages().stream()
        .filter(s -> stage.equals(s.getName()))
        .findFirst()
        .map(
            s ->
                new LastAttempt(
                    reason(s.getReason()),
                    s.getMessage(),
                    s.getFailures() == null ? 0 : s.getFailures(),
                    instant(s.getLastFailureTime()),
                    instant(s.getNextAttemptTime()),
                    s.getRetryBasis(),
                    s.getExpiration() != null))
        .orElse(LastAttempt.NONE);
  }

  private static DeploymentCredentialStatus withStages(
      long generation, List<StageOutcome> outcomes) {
    DeploymentCredentialStatus status = new DeploymentCredentialStatus();
    status.setObservedGeneration(generation);
    List<StageStatus> stages = new ArrayList<>();
    for (StageOutcome o : outcomes) {
      stages.add(stageStatus(o));
    }
    status.setStages(stages);
    long ready = outcomes.stream().filter(StageOutcome::ready).count();
    status.setReadyStages(ready + "/" + outcomes.size());
    return status;
  }

  private static Reason reason(String name) {
    if (name == null) {
      return null;
    }
    try {
      return Reason.valueOf(name);
    } catch (IllegalArgumentException unknown) {
      return null;
    }
  }

  private static Instant instant(String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static StageStatus stageStatus(StageOutcome o) {
    StageStatus s = new StageStatus();
    s.setName(o.stage());
    s.setSecretName(o.secretName());
    s.setRoleArn(o.roleArn());
    s.setAssumedRoleArn(o.assumedRoleArn());
    s.setExpiration(o.expiration() == null ? null : o.expiration().toString());
    s.setRenewalTime(o.renewalTime() == null ? null : o.renewalTime().toString());
    s.setReady(o.ready());
    s.setReason(o.reason().name());
    s.setMessage(o.message());
    s.setFailures(o.failures() == 0 ? null : o.failures());
    s.setLastFailureTime(o.lastFailureTime() == null ? null : o.lastFailureTime().toString());
    s.setNextAttemptTime(o.nextAttempt() == null ? null : o.nextAttempt().toString());
    s.setRetryBasis(o.retryBasis());
    return s;
  }

  private static Condition condition(
      String status, Reason reason, String message, long generation, Instant now) {
    return new ConditionBuilder()
        .withType(READY)
        .withStatus(status)
        .withReason(reason.name())
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(now.toString())
        .build();
  }

  private static List<Condition> merge(DeploymentCredentialStatus previous, Condition next) {
    List<Condition> result = new ArrayList<>();
    Optional<Condition> before =
        previous == null || previous.getConditions() == null
            ? Optional.empty()
            : previous.getConditions().stream().filter(c -> READY.equals(c.getType())).findFirst();
    if (before.isPresent() && Objects.equals(before.get().getStatus(), next.getStatus())) {
      next.setLastTransitionTime(before.get().getLastTransitionTime());
    }
    if (previous != null && previous.getConditions() != null) {
      previous.getConditions().stream()
          .filter(c -> !READY.equals(c.getType()))
          .forEach(result::add);
    }
    result.add(next);
    return result;
  }
}
