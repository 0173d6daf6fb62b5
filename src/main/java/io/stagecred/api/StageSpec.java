package io.stagecred.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Map;

/** One stage (or stage pattern) and the IAM role that deploys it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StageSpec {

  @JsonPropertyDescription(
      "Stage name as passed to 'serverless deploy --stage': lowercase letters, digits and '-'. A"
          + " name containing '*' is a pattern (e.g. pr-*) that serves sidecars asking for a"
          + " concrete stage; the operator writes Secrets for concrete names only.")
  @Required
  @Pattern(Patterns.STAGE_NAME_OR_PATTERN)
  @Size(max = Patterns.MAX_STAGE_NAME)
  private String name;

  @JsonPropertyDescription(
      "IAM role assumed for this stage, e.g. arn:aws:iam::111111111111:role/deploy-dev.")
  @Required
  @Pattern(Patterns.ROLE_ARN)
  @Size(max = Patterns.MAX_ROLE_ARN)
  private String roleArn;

  @JsonPropertyDescription(
      "Region written into this stage's profile and env keys. Default: spec.region.")
  @Pattern(Patterns.REGION)
  @Size(max = Patterns.MAX_REGION)
  private String region;

  @JsonPropertyDescription(
      "Requested credential lifetime in seconds for this stage (900..43200, at most 3600 when"
          + " chained). Default: spec.durationSeconds.")
  @Min(900)
  @Max(43200)
  private Integer durationSeconds;

  @JsonPropertyDescription(
      "ExternalId passed to the chained AssumeRole into this stage's role. Requires"
          + " identity.sourceRoleArn or an operator configured to chain.")
  @Pattern(Patterns.EXTERNAL_ID)
  @Size(min = Patterns.MIN_EXTERNAL_ID, max = Patterns.MAX_EXTERNAL_ID)
  private String externalId;

  @JsonPropertyDescription(
      "Extra session tags for the chained AssumeRole, added to stagecred-namespace, stagecred-name"
          + " and stagecred-stage. Requires chaining.")
  @Size(max = 47)
  private Map<String, String> sessionTags;

  @JsonPropertyDescription(
      "Service account in this namespace whose minted token issues this stage, overriding"
          + " identity.serviceAccountName, so that e.g. the prod role can trust only"
          + " system:serviceaccount:<namespace>:<this account> and not the account preview jobs"
          + " run as. The operator mints its token with identity.audience.")
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = Patterns.MAX_SUBDOMAIN)
  private String serviceAccountName;

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getRoleArn() {
    return roleArn;
  }

  public void setRoleArn(String roleArn) {
    this.roleArn = roleArn;
  }

  public String getRegion() {
    return region;
  }

  public void setRegion(String region) {
    this.region = region;
  }

  public Integer getDurationSeconds() {
    return durationSeconds;
  }

  public void setDurationSeconds(Integer durationSeconds) {
    this.durationSeconds = durationSeconds;
  }

  public String getExternalId() {
    return externalId;
  }

  public void setExternalId(String externalId) {
    this.externalId = externalId;
  }

  public Map<String, String> getSessionTags() {
    return sessionTags;
  }

  public void setSessionTags(Map<String, String> sessionTags) {
    this.sessionTags = sessionTags;
  }
}
