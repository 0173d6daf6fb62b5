package io.stagecred.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

  @Test
  void operatorIdentityIsDeniedByDefault() {
    OperatorIdentityPolicy none = new OperatorIdentityPolicy(List.of(), List.of());
    assertThat(none.refusal("ci", List.of("arn:aws:iam::111111111111:role/x"))).isPresent();
  }

  @Test
  void operatorIdentityNeedsBothNamespaceAndEveryRoleAllowed() {
    OperatorIdentityPolicy policy =
        new OperatorIdentityPolicy(
            List.of("ci"), List.of("arn:aws:iam::111111111111:role/deploy-*"));
    assertThat(policy.refusal("ci", List.of("arn:aws:iam::111111111111:role/deploy-dev")))
        .isEmpty();
    assertThat(policy.refusal("other", List.of("arn:aws:iam::111111111111:role/deploy-dev")))
        .get()
        .asString()
        .contains("allowed-namespaces");
    assertThat(
            policy.refusal(
                "ci",
                List.of(
                    "arn:aws:iam::111111111111:role/deploy-dev",
                    "arn:aws:iam::111111111111:role/admin")))
        .get()
        .asString()
        .contains("role/admin")
        .contains("allowed-role-arns");
  }

  @Test
  void planForAServiceAccountUsesItsSubjectAndDefaultAudience() {
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    IdentitySpec identity = new IdentitySpec();
    identity.setServiceAccountName("deployer");
    spec.setIdentity(identity);
    IdentityPlan plan =
        IdentityPlan.of(spec, "ci", "sts.amazonaws.com", true, Optional.of("arn:op"));
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
    assertThat(IdentityPlan.of(spec, "ci", "aud", false, Optional.of("arn:op")).chained())
        .isFalse();
    IdentityPlan chained = IdentityPlan.of(spec, "ci", "aud", true, Optional.of("arn:op"));
    assertThat(chained.operatorOwn()).isTrue();
    assertThat(chained.sourceRoleArn()).contains("arn:op");
  }
}
