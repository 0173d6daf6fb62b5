package io.stagecred.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** What the operator holds for one concrete stage. Never contains credential material. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class StageStatus {

  @JsonPropertyDescription("Stage name.")
  private String name;

  @JsonPropertyDescription("Secret holding this stage's credentials.")
  private String secretName;

  @JsonPropertyDescription("Role the credentials were issued for.")
  private String roleArn;

  @JsonPropertyDescription("Assumed-role ARN STS returned (includes the session name).")
  private String assumedRoleArn;

  @JsonPropertyDescription("When the credentials in the Secret expire (RFC 3339).")
  private String expiration;

  @JsonPropertyDescription("When the operator renews them (RFC 3339).")
  private String renewalTime;

  @JsonPropertyDescription("Whether the Secret holds valid credentials for the current spec.")
  private Boolean ready;

  @JsonPropertyDescription("Machine-readable reason for the stage's state.")
  private String reason;

  @JsonPropertyDescription("What happened and, on failure, what to fix.")
  private String message;

  @JsonPropertyDescription(
      "When the last attempt to issue credentials for this stage failed (RFC 3339).")
  private String lastFailureTime;

  @JsonPropertyDescription(
      "Consecutive failed attempts since the last success; drives the retry backoff.")
  private Integer failures;

  @JsonPropertyDescription(
      "When a failed stage is tried again (RFC 3339); sooner when its spec or Secret changes.")
  private String nextAttemptTime;

  @JsonPropertyDescription(
      "What the last failure is remembered against (the stage's spec fingerprint and Secret"
          + " version); while it is unchanged the stage waits for nextAttemptTime.")
  private String retryBasis;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getSecretName() {
    return secretName;
  }

  public void setSecretName(String secretName) {
    this.secretName = secretName;
  }

  public String getRoleArn() {
    return roleArn;
  }

  public void setRoleArn(String roleArn) {
    this.roleArn = roleArn;
  }

  public String getAssumedRoleArn() {
    return assumedRoleArn;
  }

  public void setAssumedRoleArn(String assumedRoleArn) {
    this.assumedRoleArn = assumedRoleArn;
  }

  public String getExpiration() {
    return expiration;
  }

  public void setExpiration(String expiration) {
    this.expiration = expiration;
  }

  public String getRenewalTime() {
    return renewalTime;
  }

  public void setRenewalTime(String renewalTime) {
    this.renewalTime = renewalTime;
  }

  public Boolean getReady() {
    return ready;
  }

  public void setReady(Boolean ready) {
    this.ready = ready;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  public String getLastFailureTime() {
    return lastFailureTime;
  }

  public void setLastFailureTime(String lastFailureTime) {
    this.lastFailureTime = lastFailureTime;
  }

  public Integer getFailures() {
    return failures;
  }

  public void setFailures(Integer failures) {
    this.failures = failures;
  }

  public String getNextAttemptTime() {
    return nextAttemptTime;
  }

  public void setNextAttemptTime(String nextAttemptTime) {
    this.nextAttemptTime = nextAttemptTime;
  }

  public String getRetryBasis() {
    return retryBasis;
  }

  public void setRetryBasis(String retryBasis) {
    this.retryBasis = retryBasis;
  }
}
