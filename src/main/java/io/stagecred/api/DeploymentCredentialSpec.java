package io.stagecred.api;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** What the platform team declares: a region, an identity, and the role for each stage. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(self.defaultStage) || self.stages.exists(s, s.name == self.defaultStage)",
    message = "defaultStage must name one of the concrete stages in spec.stages",
    fieldPath = ".defaultStage")
public class DeploymentCredentialSpec {

  /** Set instead of the fields when the stored spec could not be read: which field, and why. */
  @JsonIgnore private String unreadable;

  /** The stored spec as read, when unreadable: written back as it was (see {@link SpecWriter}). */
  @JsonIgnore private JsonNode stored;

  @JsonPropertyDescription("Default AWS region for every stage, e.g. us-east-1.")
  @Required
  @Pattern(Patterns.REGION)
  @Size(max = Patterns.MAX_REGION)
  private String region;

  @JsonPropertyDescription(
      "Who calls STS. Omitted: the operator's own web-identity token (allowed only for namespaces"
          + " and roles granted in the operator's configuration).")
  private IdentitySpec identity;

  @JsonPropertyDescription(
      "Default credential lifetime in seconds (900..43200; at most 3600 when chained). Default:"
          + " 3600.")
  @Min(900)
  @Max(43200)
  private Integer durationSeconds;

  @JsonPropertyDescription(
      "How long before expiry to renew, as a duration such as 20m or 1h. Must be shorter than the"
          + " lifetime. Default: max(lifetime/3, min(10m, lifetime/2)).")
  @Pattern(Patterns.DURATION)
  @Size(max = Patterns.MAX_DURATION)
  private String renewBefore;

  @JsonPropertyDescription(
      "Concrete stage served to a sidecar asking for a stage that no name or pattern matches.")
  @Pattern(Patterns.STAGE_NAME)
  @Size(max = Patterns.MAX_STAGE_NAME)
  private String defaultStage;

  @JsonPropertyDescription(
      "Where deploy pods mount the Secret; used in the config file's credential_process command."
          + " Default: /var/run/stagecred.")
  @Pattern(Patterns.ABSOLUTE_PATH)
  @Size(max = Patterns.MAX_PATH)
  private String mountPath;

  @JsonPropertyDescription(
      "Prefix of the Secret names, which are <prefix>-<stage>. Default: metadata.name.")
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = 190)
  private String secretNamePrefix;

  @JsonPropertyDescription(
      "Stages and their roles. Names are unique; concrete names get a Secret each, patterns serve"
          + " sidecars.")
  @Required
  @Size(min = 1, max = 64)
  @ValidationRule(
      value = "self.all(s, self.exists_one(t, t.name == s.name))",
      message = "stage names must be unique")
  private List<StageSpec> stages;

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public IdentitySpec getIdentity() {
    return identity;
  }

  public void setIdentity(IdentitySpec identity) {
    this.identity = identity;
  }

  public Integer getDurationSeconds() {
    return durationSeconds;
  }

  public void setDurationSeconds(Integer durationSeconds) {
    this.durationSeconds = durationSeconds;
  }

  public String getRenewBefore() {
    return renewBefore;
  }

  public void setRenewBefore(String renewBefore) {
    this.renewBefore = renewBefore;
  }

  public String getDefaultStage() {
    return defaultStage;
  }

  public void setDefaultStage(String defaultStage) {
    this.defaultStage = defaultStage;
  }

  public String getMountPath() {
    return mountPath;
  }

  public void setMountPath(String mountPath) {
    this.mountPath = mountPath;
  }

  public String getSecretNamePrefix() {
    return secretNamePrefix;
  }

  public void setSecretNamePrefix(String secretNamePrefix) {
    this.secretNamePrefix = secretNamePrefix;
  }

  public List<StageSpec> getStages() {
    return stages;
  }

  public void setStages(List<StageSpec> stages) {
    this.stages = stages;
  }

  @JsonIgnore
  public String getUnreadable() {
    return unreadable;
  }

  @JsonIgnore
  public void setUnreadable(String unreadable) {
    this.unreadable = unreadable;
  }

  @JsonIgnore
  public JsonNode getStored() {
    return stored;
  }

  @JsonIgnore
  public void setStored(JsonNode stored) {
    this.stored = stored;
  }
}
