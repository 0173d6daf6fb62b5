package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.EventType;
import io.stagecred.api.Reason;
import io.stagecred.config.Timing;
import io.stagecred.failure.Failure;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IssuingSession;
import io.stagecred.render.CredentialRenderer;
import io.stagecred.render.RenderInput;
import io.stagecred.renewal.Finding;
import io.stagecred.renewal.LastAttempt;
import io.stagecred.renewal.RenewalPolicy;
import io.stagecred.renewal.RetrySchedule;
import io.stagecred.renewal.SecretFacts;
import io.stagecred.renewal.StageDecision;
import io.stagecred.renewal.StageInput;
import io.stagecred.stage.Violation;
import io.stagecred.sts.IssuedCredentials;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Carries out the renewal decision for one stage: gathers its input (the Secret, the previous
 * status, the plan), lets {@link RenewalPolicy#decide} choose, and acts on the choice (keep,
 * re-annotate, wait, leave a foreign Secret alone, or issue and write through {@link
 * SecretWriter}), logging and recording an event for what it did.
 */
final class StageHandler {

  private static final Logger LOG = Logger.getLogger(StageHandler.class);

  private final KubernetesClient client;
  private final SecretWriter writer;
  private final EventRecorder events;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  private final Timing timing;

  StageHandler(KubernetesClient client, SecretWriter writer, EventRecorder events, Timing timing) {
    this.client = client;
    this.writer = writer;
    this.events = events;
    this.timing = timing;
  }

  /**
   * The outcome for one concrete stage: decided and acted on when its entry is valid, else reported
   * as it stands without touching its Secret.
   */
  StageOutcome handle(
      DeploymentCredential resource,
      StageEntries.Entry entry,
      Optional<Duration> renewBefore,
      Secret cached,
      Function<IdentityPlan, IssuingSession> sessions,
      Instant now) {
    if (entry.plan() == null) {
      return StageOutcome.notIssued(
          entry.ref(),
          ManagedSecrets.held(
              Optional.ofNullable(cached),
              resource.getMetadata().getUid(),
              ManagedSecrets.labels(resource, entry.ref().stage())),
          Reason.InvalidSpec,
          "not issued or renewed while this stage's entry is invalid: "
              + Violation.joined(entry.violations()),
          now);
    }
    return handle(
        resource, entry.plan(), renewBefore, cached, sessions.apply(entry.plan().identity()), now);
  }

  private StageOutcome handle(
      DeploymentCredential resource,
      StagePlan plan,
      Optional<Duration> renewBefore,
      Secret cached,
      IssuingSession session,
      Instant now) {
    // Gather. The informer only sees labelled Secrets. A stage the status has listed before may
    // have a Secret the informer no longer sees (its labels edited away, or someone else's under
    // the name): a direct read finds it. A stage never listed is new, and its Secret is created
    // without a read; someone else's Secret under that name shows as a conflict of the create.
    Secret existing =
        cached != null || !StatusBuilder.lists(resource.getStatus(), plan.stage())
            ? cached
            : client
                .secrets()
                .inNamespace(resource.getMetadata().getNamespace())
                .withName(plan.secretName())
                .get();
    String uid = resource.getMetadata().getUid();
    Map<String, String> labels = ManagedSecrets.labels(resource, plan.stage());
    Optional<SecretFacts> held = ManagedSecrets.held(Optional.ofNullable(existing), uid, labels);
    LastAttempt last = StatusBuilder.lastAttempt(resource.getStatus(), plan.stage());
    StageInput input =
        new StageInput(
            plan.stage(),
            held,
            plan.fingerprint(),
            renewBefore,
            jitterKey(resource, plan),
            last,
            now);
    // Decide.
    StageDecision decision = RenewalPolicy.decide(input, timing);
    // Act.
    StageOutcome.Ref ref = new StageOutcome.Ref(plan.stage(), plan.secretName(), plan.roleArn());
    return switch (decision.action()) {
      case KEEP -> StageOutcome.kept(ref, held.orElseThrow(), decision, last);
      case REPAIR -> {
        SecretFacts facts = held.orElseThrow();
        writer.write(
            ManagedSecrets.repaired(existing, facts.expiration(), decision.renewalTime(), labels),
            existing,
            uid);
        report(
            resource,
            EventType.Normal,
            Reason.SecretRestored,
            plan,
            "set the expiration and renewal-time annotations of Secret "
                + plan.secretName()
                + " to what it holds");
        yield StageOutcome.kept(ref, facts, decision, last);
      }
      case WAIT -> StageOutcome.waiting(ref, held, decision, last);
      case CONFLICT -> conflict(resource, plan, input, decision, ref);
      case ISSUE -> issue(resource, plan, input, decision, existing, session, ref);
    };
  }

  private StageOutcome conflict(
      DeploymentCredential resource,
      StagePlan plan,
      StageInput input,
      StageDecision decision,
      StageOutcome.Ref ref) {
    report(
        resource,
        EventType.Warning,
        Reason.SecretConflict,
        plan,
        StageOutcome.conflictMessage(ref, decision));
    return StageOutcome.conflict(
        ref,
        decision,
        ceil(
            RetrySchedule.nextAttempt(
                input.now(), 1, false, Optional.empty(), timing, input.jitterKey())));
  }

  void deleteRemoved(DeploymentCredential resource, Secret secret) {
    LOG.infof(
        "%s/%s: deleting Secret %s of a stage no longer in the spec",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        secret.getMetadata().getName());
    client.secrets().resource(secret).delete();
  }

  private StageOutcome issue(
      DeploymentCredential resource,
      StagePlan plan,
      StageInput input,
      StageDecision decision,
      Secret existing,
      IssuingSession session,
      StageOutcome.Ref ref) {
    Instant now = input.now();
    Finding trigger = decision.trigger().orElseThrow();
    IssuingSession.Result result = session.issue(plan.request());
    if (result.failure() != null) {
      Failure failure = result.failure();
      int failures = input.last().failures() + 1;
      Optional<Instant> validUntil =
          decision.ready() ? input.secret().map(SecretFacts::expiration) : Optional.empty();
      Instant next =
          ceil(
              RetrySchedule.nextAttempt(
                  now,
                  failures,
                  failure.transientFailure(),
                  validUntil,
                  timing,
                  input.jitterKey()));
      LOG.warnf(
          "%s/%s: stage %s: %s (%s, %d in a row; %s; next attempt at %s)",
          resource.getMetadata().getNamespace(),
          resource.getMetadata().getName(),
          plan.stage(),
          failure.message(),
          failure.code(),
          failures,
          validUntil.map(t -> "the current credentials stay valid until " + t).orElse("none held"),
          next);
      report(resource, EventType.Warning, failure.reason(), plan, failure.message());
      return StageOutcome.failed(
          ref, input.secret(), decision, failure, failures, next, input.basis(), now);
    }
    IssuedCredentials credentials = result.credentials();
    Instant renewalTime =
        RetrySchedule.renewalTime(
            now, credentials.expiration(), input.renewBefore(), timing, input.jitterKey());
    Secret desired =
        ManagedSecrets.desired(
            resource,
            plan,
            credentials,
            now,
            renewalTime,
            CredentialRenderer.secretData(
                new RenderInput(plan.stage(), plan.region(), credentials, plan.mountPath())));
    try {
      writer.write(desired, existing, resource.getMetadata().getUid());
    } catch (SecretTakenException e) {
      // The name is someone else's: decide again knowing it (the credentials just issued are
      // dropped unused), which reports the conflict.
      StageInput knowing =
          new StageInput(
              input.stage(),
              ManagedSecrets.held(
                  Optional.of(e.taken()),
                  resource.getMetadata().getUid(),
                  ManagedSecrets.labels(resource, plan.stage())),
              input.desiredFingerprint(),
              input.renewBefore(),
              input.jitterKey(),
              input.last(),
              now);
      return conflict(resource, plan, knowing, RenewalPolicy.decide(knowing, timing), ref);
    }
    Reason reason = StageDecision.issuedReason(trigger, input.last());
    LOG.infof(
        "%s/%s: stage %s: %s credentials for role %s into Secret %s (%s); valid until %s,"
            + " renewal at %s",
        resource.getMetadata().getNamespace(),
        resource.getMetadata().getName(),
        plan.stage(),
        verb(reason),
        plan.roleArn(),
        plan.secretName(),
        trigger.message(),
        credentials.expiration(),
        renewalTime);
    // A renewal on schedule is in the status and the log, not an Event: at scale an Event per
    // renewal would be most of the operator's writes. A renewal after failures is reported.
    boolean routine = trigger.reason() == Reason.RenewalDue && input.last().failures() == 0;
    if (routine) {
      return StageOutcome.issued(ref, credentials, renewalTime, reason);
    }
    report(
        resource,
        EventType.Normal,
        reason,
        plan,
        verb(reason)
            + " credentials for role "
            + plan.roleArn()
            + " into Secret "
            + plan.secretName()
            + " ("
            + trigger.message()
            + ")");
    return StageOutcome.issued(ref, credentials, renewalTime, reason);
  }

  /** An event about one stage; its message holds no timestamp, so repeats aggregate. */
  /**
   * Notes an event about one stage; {@link #publishEvents} writes the pass's notes, one Event per
   * type and reason for all stages, so that issuing a resource of many stages writes one Event.
   */
  private void report(
      DeploymentCredential resource, EventType type, Reason reason, StagePlan plan, String what) {
    pending
        .computeIfAbsent(type.name() + " " + reason.name(), k -> new Pending(type, reason))
        .messages()
        .add(stageMessage(plan, what));
  }

  /** One Event to write: its type, reason and the stages' messages. */
  private record Pending(EventType type, Reason reason, List<String> messages) {
    Pending(EventType type, Reason reason) {
      this(type, reason, new ArrayList<>());
    }
  }

  /** Longest Event message written: the rest of the stages are counted, not listed. */
  static final int MAX_EVENT_MESSAGE = 1024;

  /** Writes the Events noted during this pass about {@code resource}, and forgets them. */
  void publishEvents(DeploymentCredential resource) {
    for (Pending p : pending.values()) {
      events.record(resource, p.type(), p.reason(), joined(p.messages()));
    }
    pending.clear();
  }

  static String joined(List<String> messages) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < messages.size(); i++) {
      String next = (i == 0 ? "" : "; ") + messages.get(i);
      if (i > 0 && out.length() + next.length() > MAX_EVENT_MESSAGE) {
        return out + "; and " + (messages.size() - i) + " more stages";
      }
      out.append(next);
    }
    return out.toString();
  }

  private static String stageMessage(StagePlan plan, String what) {
    return "stage " + plan.stage() + ": " + what;
  }

  private static String jitterKey(DeploymentCredential resource, StagePlan plan) {
    return resource.getMetadata().getNamespace()
        + "/"
        + resource.getMetadata().getName()
        + "/"
        + plan.stage();
  }

  /** Status times are whole seconds; rounding up keeps the wait at least as long as computed. */
  private static Instant ceil(Instant t) {
    Instant floor = t.truncatedTo(ChronoUnit.SECONDS);
    return floor.equals(t) ? t : floor.plusSeconds(1);
  }

  private static String verb(Reason reason) {
    return switch (reason) {
      case CredentialsRenewed -> "renewed";
      case SecretRestored -> "restored";
      default -> "issued";
    };
  }
}
