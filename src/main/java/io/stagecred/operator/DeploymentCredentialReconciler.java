package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.EventType;
import io.stagecred.api.Reason;
import io.stagecred.config.StagecredConfig;
import io.stagecred.failure.InternalFailure;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IssuingSession;
import io.stagecred.identity.OperatorIdentityPolicy;
import io.stagecred.identity.TokenSource;
import io.stagecred.renewal.RenewalPolicy;
import io.stagecred.renewal.SecretFacts;
import io.stagecred.stage.SpecValidator;
import io.stagecred.stage.ValidationContext;
import io.stagecred.stage.Violation;
import io.stagecred.sts.StsGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Reconciles a DeploymentCredential: gathers what concerns the whole resource (its validity, who
 * may call STS, the Secrets it owns), lets {@link StageHandler} decide and act for each concrete
 * stage (an invalid entry stops only its stage), deletes Secrets of removed stages, writes status
 * and schedules the next look at the earliest renewal, retry or expiry with JOSDK's reschedule.
 */
@ControllerConfiguration(name = DeploymentCredentialReconciler.NAME)
public class DeploymentCredentialReconciler implements Reconciler<DeploymentCredential> {

  public static final String NAME = "deploymentcredential";
  private static final Logger LOG = Logger.getLogger(DeploymentCredentialReconciler.class);

  /** Shortest delay of a scheduled reconciliation: an expiry a moment away is looked at then. */
  private static final Duration MIN_DELAY = Duration.ofSeconds(1);

  private final StagecredConfig config;
  private final Clock clock;
  private final StsGateway sts;
  private final OperatorIdentityPolicy operatorIdentityPolicy;
  private InformerEventSource<Secret, DeploymentCredential> secrets;

  public DeploymentCredentialReconciler(StagecredConfig config, Clock clock, StsGateway sts) {
    this.config = config;
    this.clock = clock;
    this.sts = sts;
    this.operatorIdentityPolicy =
        new OperatorIdentityPolicy(
            config.operatorIdentity().allowedNamespaces().orElse(List.of()),
            config.operatorIdentity().allowedRoleArns().orElse(List.of()));
  }

  @Override
  public List<EventSource<?, DeploymentCredential>> prepareEventSources(
      EventSourceContext<DeploymentCredential> context) {
    InformerEventSourceConfiguration<Secret> config =
        InformerEventSourceConfiguration.from(Secret.class, DeploymentCredential.class)
            .withLabelSelector(Names.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DeploymentCredential.class))
            .build();
    secrets = new InformerEventSource<>(config, context);
    return List.of(secrets);
  }

  @Override
  public UpdateControl<DeploymentCredential> reconcile(
      DeploymentCredential resource, Context<DeploymentCredential> context) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    DeploymentCredentialSpec spec = resource.getSpec();
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    // Everything that talks to Kubernetes uses the framework's client for this reconciliation.
    EventRecorder events = new EventRecorder(context.getClient(), clock);
    Map<String, Secret> held =
        context.getSecondaryResources(Secret.class).stream()
            .collect(
                Collectors.toMap(s -> s.getMetadata().getName(), Function.identity(), (a, b) -> a));

    // Gather and check what concerns the whole resource.
    List<Violation> violations =
        SpecValidator.validate(
            spec, new ValidationContext(name, config.operatorIdentity().chain()));
    List<Violation> resourceWide = violations.stream().filter(Violation::resourceWide).toList();
    if (!resourceWide.isEmpty()) {
      return refuse(
          resource,
          context,
          events,
          held,
          Reason.InvalidSpec,
          "invalid spec: " + join(resourceWide),
          now);
    }
    IdentityPlan identity =
        IdentityPlan.of(
            spec,
            namespace,
            config.tokenRequest().defaultAudience(),
            config.operatorIdentity().chain(),
            config.operatorIdentity().roleArn());
    StageEntries entries = StageEntries.of(resource, identity, violations);
    Optional<String> refusal = identityRefusal(spec, namespace, identity, entries.plans());
    if (refusal.isPresent()) {
      return refuse(
          resource,
          context,
          events,
          held,
          Reason.IdentityRefused,
          "refused to use the operator's own identity: " + refusal.get(),
          now);
    }

    // Decide and act, stage by stage: an invalid entry stops only its own stage.
    TokenSource tokens = new TokenSource(context.getClient(), config);
    IssuingSession session =
        new IssuingSession(
            namespace,
            name,
            spec.getRegion(),
            identity,
            () -> tokens.token(identity, namespace),
            sts);
    StageHandler stages =
        new StageHandler(
            context.getClient(),
            new SecretWriter(context.getClient(), secrets),
            events,
            config.renewal());
    Optional<Duration> renewBefore =
        Optional.ofNullable(spec.getRenewBefore()).map(RenewalPolicy::parseDuration);
    List<StageOutcome> outcomes = new ArrayList<>();
    for (StageEntries.Entry entry : entries.concrete()) {
      outcomes.add(
          entry.plan() != null
              ? stages.handle(
                  resource,
                  entry.plan(),
                  renewBefore,
                  held.get(entry.plan().secretName()),
                  session,
                  now)
              : StageOutcome.notIssued(
                  entry.ref(),
                  heldFacts(resource, held.get(entry.ref().secretName())),
                  Reason.InvalidSpec,
                  "not issued or renewed while this stage's entry is invalid: "
                      + join(entry.violations()),
                  now));
    }
    Set<String> wanted = entries.secretNames();
    held.values().stream()
        .filter(s -> !wanted.contains(s.getMetadata().getName()))
        .filter(s -> ManagedSecrets.ownedBy(s, resource.getMetadata().getUid()))
        .forEach(s -> stages.deleteRemoved(resource, s));
    if (!entries.invalid().isEmpty()) {
      String message = "invalid spec: " + join(entries.invalid());
      LOG.warnf("%s/%s: %s", namespace, name, message);
      events.record(resource, EventType.Warning, Reason.InvalidSpec, message);
    }
    DeploymentCredentialStatus status =
        StatusBuilder.fromStages(
            resource.getStatus(),
            generation(resource),
            outcomes,
            entries.invalid().stream().map(Violation::toString).toList(),
            now);
    return finish(resource, context, status, nextCheck(outcomes, now));
  }

  @Override
  public ErrorStatusUpdateControl<DeploymentCredential> updateErrorStatus(
      DeploymentCredential resource, Context<DeploymentCredential> context, Exception e) {
    // Exceptions reach here from the Kubernetes API (conflicts, outages) or from a bug; JOSDK
    // retries with backoff. The status names the HTTP code or the exception's class, never its
    // text, which could quote request content.
    Reason reason;
    String message;
    if (e instanceof KubernetesClientException k) {
      reason = Reason.KubernetesApiError;
      message =
          "reconciliation failed: the Kubernetes API "
              + (k.getCode() > 0 ? "answered HTTP " + k.getCode() : "could not be reached")
              + "; retrying with backoff";
    } else {
      InternalFailure failure = InternalFailure.of(e, "reconciling");
      reason = failure.reason();
      message = failure.message();
    }
    LOG.warnf(
        "%s/%s: %s",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
    writeStatus(
        resource,
        context,
        StatusBuilder.failed(
            resource.getStatus(),
            generation(resource),
            reason,
            message,
            clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * A resource the operator will not act on as it stands: the reason goes to the log, a Warning
   * event and the status, which says per stage what its Secret still holds. Looked at again when
   * held credentials expire (so that status turns honest then) or when the spec changes.
   */
  private UpdateControl<DeploymentCredential> refuse(
      DeploymentCredential resource,
      Context<DeploymentCredential> context,
      EventRecorder events,
      Map<String, Secret> held,
      Reason reason,
      String message,
      Instant now) {
    LOG.warnf(
        "%s/%s: %s",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
    events.record(resource, EventType.Warning, reason, message);
    List<StageOutcome> outcomes = new ArrayList<>();
    for (StageOutcome.Ref ref : StageEntries.known(resource, held.values())) {
      outcomes.add(
          StageOutcome.notIssued(
              ref,
              heldFacts(resource, held.get(ref.secretName())),
              reason,
              "not issued or renewed while the resource is refused (see the Ready condition)",
              now));
    }
    return finish(
        resource,
        context,
        StatusBuilder.refused(
            resource.getStatus(), generation(resource), reason, message, outcomes, now),
        nextCheck(outcomes, now));
  }

  private Optional<String> identityRefusal(
      DeploymentCredentialSpec spec,
      String namespace,
      IdentityPlan identity,
      List<StagePlan> plans) {
    if (!identity.operatorOwn()) {
      return Optional.empty();
    }
    // A declared source role is reached with the operator's token too, so it must be allowed.
    List<String> roles = new ArrayList<>();
    if (spec.getIdentity() != null && spec.getIdentity().getSourceRoleArn() != null) {
      roles.add(spec.getIdentity().getSourceRoleArn());
    }
    plans.forEach(p -> roles.add(p.roleArn()));
    return operatorIdentityPolicy.refusal(namespace, roles);
  }

  private static Optional<SecretFacts> heldFacts(DeploymentCredential resource, Secret secret) {
    return Optional.ofNullable(secret)
        .map(s -> ManagedSecrets.held(s, resource.getMetadata().getUid()));
  }

  /** The earliest time any stage needs attention, as a delay of at least a second. */
  private static Duration nextCheck(List<StageOutcome> outcomes, Instant now) {
    return outcomes.stream()
        .map(StageOutcome::nextCheck)
        .filter(Objects::nonNull)
        .min(Comparator.naturalOrder())
        .map(t -> Duration.between(now, t))
        .map(d -> d.compareTo(MIN_DELAY) < 0 ? MIN_DELAY : d)
        .orElse(null);
  }

  private static String join(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  private static long generation(DeploymentCredential resource) {
    return Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(0L);
  }

  private UpdateControl<DeploymentCredential> finish(
      DeploymentCredential resource,
      Context<DeploymentCredential> context,
      DeploymentCredentialStatus status,
      Duration next) {
    writeStatus(resource, context, status);
    UpdateControl<DeploymentCredential> control = UpdateControl.noUpdate();
    return next == null ? control : control.rescheduleAfter(next);
  }

  /**
   * Replaces the status with an optimistic-locking update (retried on conflict by JOSDK's helper,
   * which also caches the result so the next reconciliation reads its own write). A whole-status
   * update, unlike a JSON patch computed against a cached copy, cannot fail on stale array indexes.
   */
  private static void writeStatus(
      DeploymentCredential resource,
      Context<DeploymentCredential> context,
      DeploymentCredentialStatus status) {
    if (sameStatus(resource.getStatus(), status)) {
      return;
    }
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        resource,
        context,
        latest -> {
          latest.setStatus(status);
          return latest;
        });
  }

  private static boolean sameStatus(DeploymentCredentialStatus a, DeploymentCredentialStatus b) {
    return a != null && Serialization.asJson(a).equals(Serialization.asJson(b));
  }
}
