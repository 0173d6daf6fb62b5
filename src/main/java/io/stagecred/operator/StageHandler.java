package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.Reason;
import io.stagecred.api.StageStatus;
import io.stagecred.config.StagecredConfig;
import io.stagecred.identity.IssuingSession;
import io.stagecred.render.CredentialRenderer;
import io.stagecred.render.RenderInput;
import io.stagecred.renewal.RenewalPolicy;
import io.stagecred.renewal.StageDecision;
import io.stagecred.renewal.StageFacts;
import io.stagecred.sts.IssuedCredentials;
import io.stagecred.sts.StsFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Brings one stage's Secret up to date: keeps a fresh one, issues and writes new credentials when
 * the renewal policy says so, and leaves the current Secret untouched when issuing fails or the
 * Secret belongs to someone else. The only writer of managed Secrets.
 */
public class StageHandler {

  private static final Logger LOG = Logger.getLogger(StageHandler.class);

  private final KubernetesClient client;
  private final EventRecorder events;
  private final StagecredConfig.Renewal renewal;

  public StageHandler(
      KubernetesClient client, EventRecorder events, StagecredConfig.Renewal renewal) {
    this.client = client;
    this.events = events;
    this.renewal = renewal;
  }

  StageOutcome handle(
      DeploymentCredential resource,
      StagePlan plan,
      Secret cached,
      IssuingSession session,
      Instant now) {
    String namespace = resource.getMetadata().getNamespace();
    // The informer only sees labelled Secrets; a Secret someone else created under our name is
    // found
    // by a direct read so that it is reported as a conflict instead of being overwritten.
    Secret existing =
        cached != null
            ? cached
            : client.secrets().inNamespace(namespace).withName(plan.secretName()).get();
    ManagedSecrets.Held held =
        existing == null ? null : ManagedSecrets.held(existing, resource.getMetadata().getUid());
    StageFacts facts =
        held == null
            ? StageFacts.missing(plan.fingerprint())
            : new StageFacts(
                true,
                held.owned(),
                held.intact(),
                held.fingerprint(),
                plan.fingerprint(),
                held.expiration(),
                held.renewalTime());
    StageDecision decision = RenewalPolicy.decide(facts, now);
    Optional<StageStatus> before = previousStage(resource, plan.stage());
    return switch (decision.action()) {
      case KEEP ->
          new StageOutcome(
              plan.stage(),
              plan.secretName(),
              plan.roleArn(),
              true,
              Reason.CredentialsIssued,
              "credentials valid until " + held.expiration() + ", renewal at " + held.renewalTime(),
              held.assumedRoleArn(),
              held.expiration(),
              held.renewalTime(),
              0,
              null,
              held.renewalTime(),
              false);
      case CONFLICT -> conflict(resource, plan, now);
      case ISSUE -> issue(resource, plan, existing, held, decision, before, session, now);
    };
  }

  void deleteRemoved(DeploymentCredential resource, Secret secret) {
    LOG.infof(
        "%s/%s: deleting Secret %s of a stage no longer in the spec",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        secret.getMetadata().getName());
    client.secrets().resource(secret).delete();
  }

  private StageOutcome conflict(DeploymentCredential resource, StagePlan plan, Instant now) {
    String message =
        "Secret "
            + plan.secretName()
            + " exists and is not owned by this DeploymentCredential, so it is left untouched. Fix:"
            + " delete or rename that Secret, or set spec.secretNamePrefix";
    events.warning(resource, Reason.SecretConflict, "stage " + plan.stage() + ": " + message);
    return new StageOutcome(
        plan.stage(),
        plan.secretName(),
        plan.roleArn(),
        false,
        Reason.SecretConflict,
        message,
        null,
        null,
        null,
        0,
        null,
        now.plus(renewal.terminalRetry()),
        false);
  }

  private StageOutcome issue(
      DeploymentCredential resource,
      StagePlan plan,
      Secret existing,
      ManagedSecrets.Held held,
      StageDecision decision,
      Optional<StageStatus> before,
      IssuingSession session,
      Instant now) {
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    IssuingSession.Result result = session.issue(plan.request());
    if (result.failure() != null) {
      return failed(resource, plan, held, before, result.failure(), now);
    }
    IssuedCredentials credentials = result.credentials();
    Instant renewalTime =
        RenewalPolicy.renewalTime(
            now,
            credentials.expiration(),
            renewBefore(resource),
            renewal.jitterMax(),
            namespace + "/" + name + "/" + plan.stage());
    Secret desired =
        ManagedSecrets.desired(
            resource,
            plan,
            credentials,
            now,
            renewalTime,
            CredentialRenderer.secretData(
                new RenderInput(plan.stage(), plan.region(), credentials, plan.mountPath())));
    new SecretWriter(client).write(desired, existing, resource.getMetadata().getUid());
    Reason eventReason =
        switch (decision.cause()) {
          case RENEWAL_DUE, EXPIRED -> Reason.CredentialsRenewed;
          case EDITED -> Reason.SecretRestored;
          case MISSING ->
              before.map(StageStatus::getExpiration).isPresent()
                  ? Reason.SecretRestored
                  : Reason.CredentialsIssued;
          case SPEC_CHANGED -> Reason.CredentialsIssued;
        };
    String message =
        "stage "
            + plan.stage()
            + ": "
            + describe(eventReason)
            + " credentials for role "
            + plan.roleArn()
            + " into Secret "
            + plan.secretName()
            + " ("
            + decision.message()
            + "); valid until "
            + credentials.expiration()
            + ", renewal at "
            + renewalTime;
    LOG.infof("%s/%s: %s", namespace, name, message);
    events.normal(resource, eventReason, message);
    return new StageOutcome(
        plan.stage(),
        plan.secretName(),
        plan.roleArn(),
        true,
        Reason.CredentialsIssued,
        "credentials valid until " + credentials.expiration() + ", renewal at " + renewalTime,
        credentials.assumedRoleArn(),
        credentials.expiration(),
        renewalTime,
        0,
        null,
        renewalTime,
        true);
  }

  private StageOutcome failed(
      DeploymentCredential resource,
      StagePlan plan,
      ManagedSecrets.Held held,
      Optional<StageStatus> before,
      StsFailure failure,
      Instant now) {
    int failures = before.map(StageStatus::getFailures).orElse(0) + 1;
    Duration delay =
        RenewalPolicy.retryDelay(
            failures,
            !failure.transientFailure(),
            renewal.retryInitial(),
            renewal.retryMax(),
            renewal.terminalRetry(),
            resource.getMetadata().getNamespace()
                + "/"
                + resource.getMetadata().getName()
                + "/"
                + plan.stage(),
            failures);
    // A Secret that still holds unexpired credentials for the current spec stays in place and keeps
    // the stage ready; the failure is reported alongside.
    boolean stillValid =
        held != null
            && held.owned()
            && held.intact()
            && plan.fingerprint().equals(held.fingerprint())
            && held.expiration() != null
            && held.expiration().isAfter(now);
    String message =
        failure.message()
            + (stillValid
                ? " The current credentials stay valid until " + held.expiration() + "."
                : "")
            + " Next attempt in "
            + delay.toSeconds()
            + "s.";
    LOG.warnf(
        "%s/%s: stage %s: %s",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        plan.stage(),
        message);
    events.warning(resource, failure.reason(), "stage " + plan.stage() + ": " + failure.message());
    return new StageOutcome(
        plan.stage(),
        plan.secretName(),
        plan.roleArn(),
        stillValid,
        failure.reason(),
        message,
        stillValid ? held.assumedRoleArn() : null,
        stillValid ? held.expiration() : null,
        stillValid ? held.renewalTime() : null,
        failures,
        now,
        now.plus(delay),
        false);
  }

  private static Optional<Duration> renewBefore(DeploymentCredential resource) {
    String value = resource.getSpec().getRenewBefore();
    return value == null ? Optional.empty() : Optional.of(RenewalPolicy.parseDuration(value));
  }

  private static Optional<StageStatus> previousStage(DeploymentCredential resource, String stage) {
    if (resource.getStatus() == null || resource.getStatus().getStages() == null) {
      return Optional.empty();
    }
    return resource.getStatus().getStages().stream()
        .filter(s -> stage.equals(s.getName()))
        .findFirst();
  }

  private static String describe(Reason reason) {
    return switch (reason) {
      case CredentialsRenewed -> "renewed";
      case SecretRestored -> "restored";
      default -> "issued";
    };
  }
}
