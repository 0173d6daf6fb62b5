package io.stagecred.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.StageSpec;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.render.CredentialRenderer;
import io.stagecred.render.RenderInput;
import io.stagecred.renewal.SecretFacts;
import io.stagecred.sts.IssuedCredentials;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ManagedSecretsTest {

  private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
  private static final IssuedCredentials CREDS =
      new IssuedCredentials(
          "ASIAEXAMPLEEXAMPLE01",
          "secret/key+value",
          "token",
          NOW.plusSeconds(3600),
          "arn:aws:sts::111111111111:assumed-role/deploy-dev/s");

  private static DeploymentCredential resource() {
    DeploymentCredential dc = new DeploymentCredential();
    dc.getMetadata().setName("orders");
    dc.getMetadata().setNamespace("ci");
    dc.getMetadata().setUid("uid-1");
    DeploymentCredentialSpec spec = new DeploymentCredentialSpec();
    spec.setRegion("us-east-1");
    StageSpec dev = new StageSpec();
    dev.setName("dev");
    dev.setRoleArn("arn:aws:iam::111111111111:role/deploy-dev");
    spec.setStages(List.of(dev));
    dc.setSpec(spec);
    return dc;
  }

  private static StagePlan plan(DeploymentCredential dc) {
    return StagePlan.of(
        dc,
        dc.getSpec().getStages().get(0),
        IdentityPlan.of(dc.getSpec(), null, "ci", "sts.amazonaws.com", false, Optional.empty()));
  }

  /** The labels of orders' dev Secret. */
  private static final Map<String, String> LABELS = ManagedSecrets.labels(resource(), "dev");

  private static SecretFacts held(Secret s, String uid) {
    return ManagedSecrets.held(s, uid, LABELS);
  }

  private static Map<String, String> data(StagePlan plan) {
    return CredentialRenderer.secretData(
        new RenderInput(plan.stage(), plan.region(), CREDS, plan.mountPath()));
  }

  @Test
  void aWrittenSecretReadsBackAsOwnedIntactAndFresh() {
    DeploymentCredential dc = resource();
    StagePlan plan = plan(dc);
    Secret s = ManagedSecrets.desired(dc, plan, CREDS, NOW, NOW.plusSeconds(2400), data(plan));
    s.getMetadata().setResourceVersion("12");
    SecretFacts held = held(s, "uid-1");
    assertThat(held.owned()).isTrue();
    assertThat(held.intact()).isTrue();
    assertThat(held.fingerprint()).isEqualTo(plan.fingerprint());
    assertThat(held.issuedAt()).isEqualTo(NOW);
    assertThat(held.expiration()).isEqualTo(CREDS.expiration());
    assertThat(held.recordedExpiration()).isEqualTo(CREDS.expiration());
    assertThat(held.recordedRenewalTime()).isEqualTo(NOW.plusSeconds(2400));
    assertThat(held.version()).isEqualTo("12");
    assertThat(s.getMetadata().getName()).isEqualTo("orders-dev");
    assertThat(s.getMetadata().getOwnerReferences().get(0).getController()).isTrue();
  }

  @Test
  void aSecretMissingOneOfItsLabelsReadsAsRelabelledAndIsRepaired() {
    DeploymentCredential dc = resource();
    StagePlan plan = plan(dc);
    Secret s = ManagedSecrets.desired(dc, plan, CREDS, NOW, NOW.plusSeconds(2400), data(plan));
    assertThat(held(s, "uid-1").labelled()).isTrue();
    s.getMetadata().getLabels().remove(Names.MANAGED_BY);
    s.getMetadata().getLabels().put(Names.LABEL_STAGE, "prod");
    s.getMetadata().getLabels().put("team", "orders");
    assertThat(held(s, "uid-1").labelled()).isFalse();
    assertThat(held(s, "uid-1").intact()).as("labels are not sealed").isTrue();

    Secret repaired = ManagedSecrets.repaired(s, CREDS.expiration(), NOW.plusSeconds(2400), LABELS);
    assertThat(held(repaired, "uid-1").labelled()).isTrue();
    assertThat(repaired.getMetadata().getLabels()).containsEntry("team", "orders");
  }

  @Test
  void theExpirationIsReadFromTheCredentialsNotFromTheAnnotation() {
    DeploymentCredential dc = resource();
    StagePlan plan = plan(dc);
    Secret s = ManagedSecrets.desired(dc, plan, CREDS, NOW, NOW.plusSeconds(2400), data(plan));
    s.getMetadata().getAnnotations().put(Names.ANN_EXPIRATION, "2099-01-01T00:00:00Z");
    s.getMetadata().getAnnotations().put(Names.ANN_RENEWAL_TIME, "2099-01-01T00:00:00Z");
    SecretFacts held = held(s, "uid-1");
    assertThat(held.intact()).as("the annotations are not sealed").isTrue();
    assertThat(held.expiration()).isEqualTo(CREDS.expiration());
    assertThat(held.recordedExpiration()).isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));

    Secret repaired = ManagedSecrets.repaired(s, CREDS.expiration(), NOW.plusSeconds(2400), LABELS);
    SecretFacts after = held(repaired, "uid-1");
    assertThat(after.intact()).isTrue();
    assertThat(after.recordedExpiration()).isEqualTo(CREDS.expiration());
    assertThat(after.recordedRenewalTime()).isEqualTo(NOW.plusSeconds(2400));
  }

  @Test
  void anEditedIssueTimeBreaksTheSeal() {
    // The renewal time is computed from the issue time: moving it would move the renewal.
    DeploymentCredential dc = resource();
    StagePlan plan = plan(dc);
    Secret s = ManagedSecrets.desired(dc, plan, CREDS, NOW, NOW.plusSeconds(2400), data(plan));
    s.getMetadata().getAnnotations().put(Names.ANN_ISSUED_AT, "2099-01-01T00:00:00Z");
    assertThat(held(s, "uid-1").intact()).isFalse();
    assertThat(held(s, "uid-1").expiration()).as("nothing in an edited Secret is trusted").isNull();
  }

  @Test
  void anEditedOrForeignSecretIsRecognised() {
    DeploymentCredential dc = resource();
    Secret s =
        ManagedSecrets.desired(dc, plan(dc), CREDS, NOW, NOW.plusSeconds(2400), Map.of("k", "v"));
    assertThat(held(s, "another-uid").owned()).isFalse();
    s.getData().put("k", Base64.getEncoder().encodeToString("edited".getBytes()));
    assertThat(held(s, "uid-1").intact()).isFalse();
  }

  @Test
  void anUpdateKeepsWhatOtherToolsAddedAndReplacesWhatStagecredOwns() {
    DeploymentCredential dc = resource();
    Secret old =
        ManagedSecrets.desired(dc, plan(dc), CREDS, NOW, NOW.plusSeconds(2400), Map.of("k", "old"));
    old.getMetadata().setResourceVersion("41");
    old.getMetadata().getLabels().put("backup.example.com/include", "true");
    old.getMetadata().getAnnotations().put("reflector.example.com/allowed", "ci-*");
    old.getMetadata().setFinalizers(List.of("example.com/keep"));
    old.getMetadata()
        .getOwnerReferences()
        .add(
            new OwnerReferenceBuilder()
                .withApiVersion("v1")
                .withKind("ConfigMap")
                .withName("other")
                .withUid("uid-other")
                .build());
    old.getData().put("added-by-someone", "eA==");
    Secret fresh =
        ManagedSecrets.desired(
            dc, plan(dc), CREDS, NOW.plusSeconds(60), NOW.plusSeconds(2460), Map.of("k", "new"));

    Secret merged = ManagedSecrets.merged(old, fresh);

    assertThat(merged.getMetadata().getResourceVersion())
        .as("the update is conditional")
        .isEqualTo("41");
    assertThat(merged.getMetadata().getLabels())
        .containsEntry("backup.example.com/include", "true")
        .containsAllEntriesOf(fresh.getMetadata().getLabels());
    assertThat(merged.getMetadata().getAnnotations())
        .containsEntry("reflector.example.com/allowed", "ci-*")
        .containsAllEntriesOf(fresh.getMetadata().getAnnotations());
    assertThat(merged.getMetadata().getFinalizers()).containsExactly("example.com/keep");
    assertThat(merged.getMetadata().getOwnerReferences())
        .extracting(OwnerReference::getUid)
        .containsExactly("uid-1", "uid-other");
    assertThat(merged.getData()).as("the data is stagecred's alone").isEqualTo(fresh.getData());
    assertThat(held(merged, "uid-1").intact()).isTrue();
    assertThat(held(merged, "uid-1").recordedRenewalTime()).isEqualTo(NOW.plusSeconds(2460));
  }

  @Test
  void theFingerprintChangesWithEverythingThatShapesTheCredentials() {
    DeploymentCredential dc = resource();
    String base = plan(dc).fingerprint();
    dc.getSpec().getStages().get(0).setDurationSeconds(1800);
    String duration = plan(dc).fingerprint();
    dc.getSpec().setMountPath("/creds");
    String mount = plan(dc).fingerprint();
    dc.getSpec().setRegion("eu-west-1");
    String region = plan(dc).fingerprint();
    assertThat(List.of(base, duration, mount, region)).doesNotHaveDuplicates();
    dc.getSpec().setRenewBefore("15m");
    assertThat(plan(dc).fingerprint()).as("renewBefore needs no new credentials").isEqualTo(region);
  }
}
