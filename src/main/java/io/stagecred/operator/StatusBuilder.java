package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.Reason;
import io.stagecred.api.StageStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds the resource status from stage outcomes (or a resource-wide problem), keeping a
 * condition's lastTransitionTime when its status did not change. Pure.
 */
public final class StatusBuilder {

  public static final String READY = "Ready";

  private StatusBuilder() {}

  /** Status after a reconciliation that processed every concrete stage. */
  public static DeploymentCredentialStatus fromStages(
      DeploymentCredentialStatus previous,
      long generation,
      List<StageOutcome> outcomes,
      Instant now) {
    DeploymentCredentialStatus status = new DeploymentCredentialStatus();
    status.setObservedGeneration(generation);
    List<StageStatus> stages = new ArrayList<>();
    for (StageOutcome o : outcomes) {
      stages.add(stageStatus(o));
    }
    status.setStages(stages);
    long ready = outcomes.stream().filter(StageOutcome::ready).count();
    status.setReadyStages(ready + "/" + outcomes.size());
    status.setNextRenewal(
        outcomes.stream()
            .map(StageOutcome::renewalTime)
            .filter(Objects::nonNull)
            .min(Comparator.naturalOrder())
            .map(Instant::toString)
            .orElse(null));
    Optional<StageOutcome> firstProblem = outcomes.stream().filter(o -> !o.ready()).findFirst();
    Optional<StageOutcome> firstWarning =
        outcomes.stream().filter(o -> o.ready() && o.failures() > 0).findFirst();
    Condition readyCondition;
    if (firstProblem.isPresent()) {
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
      readyCondition =
          condition(
              "True",
              Reason.CredentialsIssued,
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
   * Status when the whole resource is refused (invalid spec, refused identity): stage entries from
   * before are kept, since their Secrets are left untouched.
   */
  public static DeploymentCredentialStatus refused(
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
