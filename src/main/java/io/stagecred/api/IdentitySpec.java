package io.stagecred.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;

/**
 * Who calls STS for this resource: a service account's minted token, optionally chained through a
 * role.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IdentitySpec {

  @JsonPropertyDescription(
      "Service account in this namespace whose token (minted with the TokenRequest API) is"
          + " exchanged with AssumeRoleWithWebIdentity. Stage roles should trust"
          + " system:serviceaccount:<namespace>:<serviceAccountName>. Omit the whole identity block"
          + " to use the operator's own token, which the operator allows only for configured"
          + " namespaces and roles.")
  @Pattern(Patterns.DNS_SUBDOMAIN)
  @Size(max = Patterns.MAX_SUBDOMAIN)
  private String serviceAccountName;

  @JsonPropertyDescription(
      "Audience of the minted service-account token; must match the IAM OIDC provider's client ID."
          + " Default: sts.amazonaws.com.")
  @Size(min = 1, max = Patterns.MAX_AUDIENCE)
  private String audience;

  @JsonPropertyDescription(
      "Optional role to chain through: the web identity assumes this role first, then AssumeRole"
          + " into each stage role with session tags stagecred-namespace, stagecred-name and"
          + " stagecred-stage. Chained sessions last at most 3600 seconds.")
  @Pattern(Patterns.ROLE_ARN)
  @Size(max = Patterns.MAX_ROLE_ARN)
  private String sourceRoleArn;

  public String getServiceAccountName() {
    return serviceAccountName;
  }

  public void setServiceAccountName(String serviceAccountName) {
    this.serviceAccountName = serviceAccountName;
  }

  public String getAudience() {
    return audience;
  }

  public void setAudience(String audience) {
    this.audience = audience;
  }

  public String getSourceRoleArn() {
    return sourceRoleArn;
  }

  public void setSourceRoleArn(String sourceRoleArn) {
    this.sourceRoleArn = sourceRoleArn;
  }
}
