package io.stagecred.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdentityTest {

  @ParameterizedTest(name = "glob {0} vs {1} → {2}")
  @CsvSource({
    "ci, ci, true",
    "ci, ci2, false",
    "team-*, team-a, true",
    "team-*, other, false",
    "*, anything, true",
    "arn:aws:iam::111111111111:role/deploy-*, arn:aws:iam::111111111111:role/deploy-dev, true",
    "arn:aws:iam::111111111111:role/deploy-*, arn:aws:iam::222222222222:role/deploy-dev, false",
    "a.b, axb, false",
  })
  void globsMatchOnlyWhatTheyShould(String glob, String value, boolean expected) {
    assertThat(Globs.matches(glob, value)).isEqualTo(expected);
  }

  private static final String DEPLOY_DEV = "arn:aws:iam::111111111111:role/deploy-dev";
  private static final String TEAM_B = "arn:aws:iam::222222222222:role/b-deploy";

  private static final OperatorIdentityPolicy POLICY =
      OperatorIdentityPolicy.of(
          List.of(
              "ci=arn:aws:iam::111111111111:role/deploy-*",
              "team-b*=arn:aws:iam::222222222222:role/b-*",
              "shared=*"));

  @Test
  void operatorIdentityIsDeniedByDefault() {
    OperatorIdentityPolicy none = OperatorIdentityPolicy.of(List.of());
    assertThat(none.refusal("ci", List.of(DEPLOY_DEV))).isPresent();
  }

  @ParameterizedTest(name = "namespace {0} asking for {1}: allowed={2}")
  @CsvSource({
    "ci, arn:aws:iam::111111111111:role/deploy-dev, true",
    "ci, arn:aws:iam::222222222222:role/b-deploy, false",
    "team-b, arn:aws:iam::222222222222:role/b-deploy, true",
    "team-b2, arn:aws:iam::222222222222:role/b-deploy, true",
    "team-b, arn:aws:iam::111111111111:role/deploy-dev, false",
    "shared, arn:aws:iam::333333333333:role/anything, true",
    "other, arn:aws:iam::111111111111:role/deploy-dev, false",
  })
  void grantsArePairsNotACrossProduct(String namespace, String role, boolean allowed) {
    assertThat(POLICY.refusal(namespace, List.of(role)).isEmpty()).isEqualTo(allowed);
  }

  @Test
  void everyRoleOfTheResourceMustBeGrantedToItsNamespace() {
    assertThat(POLICY.refusal("ci", List.of(DEPLOY_DEV, TEAM_B)))
        .get()
        .asString()
        .contains("role " + TEAM_B)
        .contains("from namespace 'ci'")
        .contains("stagecred.operator-identity.grants")
        .contains("ci=" + TEAM_B);
    assertThat(POLICY.refusal("other", List.of(DEPLOY_DEV)))
        .get()
        .asString()
        .contains("namespace 'other'")
        .contains("spec.identity.serviceAccountName");
  }

  @ParameterizedTest(name = "malformed grant ''{0}''")
  @ValueSource(
      strings = {
        "ci",
        "=arn:aws:iam::1:role/x",
        "ci=",
        "ci=role/x",
        "CI=arn:aws:iam::1:role/x",
        "ci/x=arn:aws:iam::1:role/x"
      })
  void aMalformedGrantIsNamedAndGrantsNothing(String entry) {
    assertThat(OperatorIdentityPolicy.problems(List.of(entry)))
        .singleElement()
        .asString()
        .contains("'" + entry + "'")
        .contains("<namespace glob>=<role ARN glob>");
    assertThat(OperatorIdentityPolicy.of(List.of(entry)).grants()).isEmpty();
  }

  @Test
  void planForAServiceAccountUsesItsSubjectAndDefaultAudience() {
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    IdentitySpec identity = new IdentitySpec();
    identity.setServiceAccountName("deployer");
    spec.setIdentity(identity);
    IdentityPlan plan =
        IdentityPlan.of(spec, null, "ci", "sts.amazonaws.com", true, Optional.of("arn:op"));
    assertThat(plan.operatorOwn()).isFalse();
    assertThat(plan.subject()).isEqualTo("system:serviceaccount:ci:deployer");
    assertThat(plan.audience()).isEqualTo("sts.amazonaws.com");
    assertThat(plan.chained())
        .as("the operator's chaining applies to its own identity only")
        .isFalse();
  }

  @Test
  void planWithoutIdentityChainsThroughTheOperatorRoleOnlyWhenConfigured() {
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    assertThat(IdentityPlan.of(spec, null, "ci", "aud", false, Optional.of("arn:op")).chained())
        .isFalse();
    IdentityPlan chained = IdentityPlan.of(spec, null, "ci", "aud", true, Optional.of("arn:op"));
    assertThat(chained.operatorOwn()).isTrue();
    assertThat(chained.sourceRoleArn()).contains("arn:op");
  }
}
