package io.stagecred.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** Observed state: the Ready condition and one entry per concrete stage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DeploymentCredentialStatus {

  @JsonPropertyDescription("The metadata.generation this status describes.")
  private Long observedGeneration;

  @JsonPropertyDescription(
      "Conditions in the metav1.Condition shape. Ready is True when every concrete stage has valid"
          + " credentials for the current spec.")
  private List<Condition> conditions = new ArrayList<>();

  @JsonPropertyDescription("Per-stage state, one entry per concrete stage.")
  private List<StageStatus> stages = new ArrayList<>();

  @JsonPropertyDescription("Ready stages out of concrete stages, e.g. 2/3.")
  private String readyStages;

  @JsonPropertyDescription("Earliest renewal time across stages (RFC 3339).")
  private String nextRenewal;

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public List<StageStatus> getStages() {
    return stages;
  }

  public void setStages(List<StageStatus> stages) {
    this.stages = stages;
  }

  public String getReadyStages() {
    return readyStages;
  }

  public void setReadyStages(String readyStages) {
    this.readyStages = readyStages;
  }

  public String getNextRenewal() {
    return nextRenewal;
  }

  public void setNextRenewal(String nextRenewal) {
    this.nextRenewal = nextRenewal;
  }
}
