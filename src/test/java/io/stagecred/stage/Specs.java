package io.stagecred.stage;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.StageSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Map;

/** Test builders for specs; every call returns a fresh, mutable object. */
final class Specs {

  private Specs() {}

  static StageSpec stage(String name, String roleArn) {
    StageSpec s = new StageSpec();
    s.setName(name);
    s.setRoleArn(roleArn);
    return s;
  }

  static StageSpec stage(String name) {
    return stage(name, "arn:aws:iam::111111111111:role/deploy-" + name.replace("*", "x"));
  }

  static DeploymentCredentialSpec spec(StageSpec... stages) {
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    spec.setRegion("us-east-1");
    spec.setStages(new ArrayList<>(Arrays.asList(stages)));
    return spec;
  }

  /** dev, prod (eu-west-1, 1800 s) and pr-*; no identity, no defaultStage. */
  static DeploymentCredentialSpec basic() {
    StageSpec prod = stage("prod", "arn:aws:iam::222222222222:role/deploy-prod");
    prod.setRegion("eu-west-1");
    prod.setDurationSeconds(1800);
    return spec(stage("dev"), prod, stage("pr-*", "arn:aws:iam::111111111111:role/deploy-preview"));
  }

  /**
   * The design document's example: service account, chained through ci-base, tags and external id.
   */
  static DeploymentCredentialSpec documented() {
    DeploymentCredentialSpec spec = basic();
    IdentitySpec id = new IdentitySpec();
    id.setServiceAccountName("orders-deployer");
    id.setAudience("sts.amazonaws.com");
    id.setSourceRoleArn("arn:aws:iam::111111111111:role/ci-base");
    spec.setIdentity(id);
    spec.setDurationSeconds(3600);
    spec.setRenewBefore("20m");
    spec.setDefaultStage("dev");
    spec.setMountPath("/var/run/stagecred");
    spec.getStages().get(1).setExternalId("orders-prod");
    spec.getStages().get(1).setSessionTags(Map.of("team", "orders"));
    return spec;
  }

  static IdentitySpec identity(String serviceAccount, String audience, String sourceRoleArn) {
    IdentitySpec id = new IdentitySpec();
    id.setServiceAccountName(serviceAccount);
    id.setAudience(audience);
    id.setSourceRoleArn(sourceRoleArn);
    return id;
  }
}
