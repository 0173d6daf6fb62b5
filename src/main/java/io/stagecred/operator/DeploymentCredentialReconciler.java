package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.EventType;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.Reason;
import io.stagecred.api.StageSpec;
import io.stagecred.config.StagecredConfig;
import io.stagecred.config.Timing;
import io.stagecred.failure.Failure;
import io.stagecred.failure.InternalFailure;
import io.stagecred.failure.KubernetesFailure;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IssuingSession;
import io.stagecred.identity.OperatorIdentityPolicy;
import io.stagecred.identity.TokenSource;
import io.stagecred.renewal.RenewalPolicy;
import io.stagecred.stage.SpecValidator;
import io.stagecred.stage.ValidationContext;
import io.stagecred.stage.Violation;
import io.stagecred.sts.StsGateway;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
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
  private final Timing timing;
  private InformerEventSource<Secret, DeploymentCredential> secrets;

  /** Tokens minted lately, shared for a minute by resources of the same service account. */
  private final TokenSource.Minted mintedTokens = new TokenSource.Minted();

  /** The Events written lately, so that a repeat is bumped without a read. */
  private final EventRecorder.Memory recordedEvents = new EventRecorder.Memory(4096);

  public DeploymentCredentialReconciler(StagecredConfig config, Clock clock, StsGateway sts) {
    this.config = config;
    this.clock = clock;
    this.sts = sts;
    // Malformed settings fall back (timing) or grant nothing (grants); OperatorLauncher refuses to
    // start while there are any, naming them.
    this.timing = Timing.from(config.renewal(), new ArrayList<>());
    this.operatorIdentityPolicy =
        OperatorIdentityPolicy.of(config.operatorIdentity().grants().orElse(List.of()));
  }

  @Override
  public List<EventSource<?, DeploymentCredential>> prepareEventSources(
      EventSourceContext<DeploymentCredential> context) {
    InformerEventSourceConfiguration<Secret> managedSecrets =
        InformerEventSourceConfiguration.from(Secret.class, DeploymentCredential.class)
            .withLabelSelector(Names.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(DeploymentCredentialReconciler::owners)
            .build();
    // Kept for SecretWriter, which puts the operator's own writes into this informer's cache.
    secrets = new InformerEventSource<>(managedSecrets, context);
    return List.of(secrets);
  }

  /**
   * The resources a managed Secret concerns: its owner, and the resource its annotation names, so
   * that a Secret whose owner reference someone removed still reaches that resource (which then
   * reports it as a conflict instead of never hearing of it).
   */
  private static Set<ResourceID> owners(Secret secret) {
    Set<ResourceID> ids =
        new HashSet<>(
            Mappers.fromOwnerReferences(DeploymentCredential.class).toPrimaryResourceIDs(secret));
    Map<String, String> annotations = secret.getMetadata().getAnnotations();
    String named = annotations == null ? null : annotations.get(Names.ANN_RESOURCE);
    if (named != null) {
      ids.add(new ResourceID(named, secret.getMetadata().getNamespace()));
    }
    return ids;
  }

  @Override
  public UpdateControl<DeploymentCredential> reconcile(
      DeploymentCredential resource, Context<DeploymentCredential> context) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    DeploymentCredentialSpec spec = resource.getSpec();
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    Map<String, Secret> held =
        context.getSecondaryResources(Secret.class).stream()
            .collect(
                Collectors.toMap(s -> s.getMetadata().getName(), Function.identity(), (a, b) -> a));

    // Gather and check what concerns the whole resource.
    List<Violation> violations =
        SpecValidator.validate(
            spec,
            new ValidationContext(
                name, config.operatorIdentity().chain(), config.sts().allowUnknownRegions()));
    List<Violation> resourceWide = violations.stream().filter(Violation::resourceWide).toList();
    if (!resourceWide.isEmpty()) {
      return refuse(
          resource,
          context,
          held,
          Reason.InvalidSpec,
          "invalid spec: " + Violation.joined(resourceWide),
          now);
    }
    Function<StageSpec, IdentityPlan> identities =
        stage ->
            IdentityPlan.of(
                spec,
                stage,
                namespace,
                config.tokenRequest().defaultAudience(),
                config.operatorIdentity().chain(),
                config.operatorIdentity().roleArn());
    StageEntries entries = StageEntries.of(resource, identities, violations);
    // Only stages issued with the operator's own token need a grant; a declared source role is
    // reached with that token too, so it must be granted as well.
    List<String> lent = new ArrayList<>();
    entries.plans().stream()
        .filter(p -> p.identity().operatorOwn())
        .forEach(p -> lent.add(p.roleArn()));
    if (!lent.isEmpty()) {
      Optional.ofNullable(spec.getIdentity())
          .map(IdentitySpec::getSourceRoleArn)
          .ifPresent(source -> lent.add(0, source));
    }
    Optional<String> refusal =
        lent.isEmpty() ? Optional.empty() : operatorIdentityPolicy.refusal(namespace, lent);
    if (refusal.isPresent()) {
      return refuse(
          resource,
          context,
          held,
          Reason.IdentityRefused,
          "refused to use the operator's own identity: " + refusal.get(),
          now);
    }

    // Decide and act, stage by stage: an invalid entry stops only its own stage. Stages issued
    // as the same identity share its token and, when chained, its source session.
    TokenSource tokens = new TokenSource(context.getClient(), config, clock, mintedTokens);
    Map<IdentityPlan, IssuingSession> sessions = new HashMap<>();
    Function<IdentityPlan, IssuingSession> sessionFor =
        identity ->
            sessions.computeIfAbsent(
                identity,
                i ->
                    new IssuingSession(
                        namespace,
                        name,
                        spec.getRegion(),
                        i,
                        () -> tokens.token(i, namespace),
                        sts));
    // Everything that talks to Kubernetes uses the framework's client for this reconciliation.
    EventRecorder events = new EventRecorder(context.getClient(), clock, recordedEvents);
    StageHandler stages =
        new StageHandler(
            context.getClient(), new SecretWriter(context.getClient(), secrets), events, timing);
    Optional<Duration> renewBefore =
        Optional.ofNullable(spec.getRenewBefore()).map(RenewalPolicy::parseDuration);
    List<StageOutcome> outcomes = new ArrayList<>();
    try {
      for (StageEntries.Entry entry : entries.concrete()) {
        outcomes.add(
            stages.handle(
                resource, entry, renewBefore, held.get(entry.ref().secretName()), sessionFor, now));
      }
      Set<String> wanted = entries.secretNames();
      held.values().stream()
          .filter(s -> !wanted.contains(s.getMetadata().getName()))
          .filter(s -> ManagedSecrets.ownedBy(s, resource.getMetadata().getUid()))
          .forEach(s -> stages.deleteRemoved(resource, s));
    } finally {
      // Also when a stage's write failed: the stages done before it are reported.
      stages.publishEvents(resource);
    }
    if (!entries.invalid().isEmpty()) {
      String message = "invalid spec: " + Violation.joined(entries.invalid());
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
    return finish(resource, context, status, outcomes, now);
  }

  @Override
  public ErrorStatusUpdateControl<DeploymentCredential> updateErrorStatus(
      DeploymentCredential resource, Context<DeploymentCredential> context, Exception e) {
    // Exceptions reach here from the Kubernetes API (conflicts, outages; JOSDK's own helpers wrap
    // them) or from a bug; JOSDK retries with backoff. The status names the HTTP code or the
    // exception's class, never its text, which could quote request content.
    Failure failure =
        KubernetesFailure.of(e, "reconciliation")
            .<Failure>map(k -> k)
            .orElseGet(() -> InternalFailure.of(e, "reconciling"));
    Reason reason = failure.reason();
    String message = failure.message();
    LOG.warnf(
        "%s/%s: %s",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
    StatusWriter.write(
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
      Map<String, Secret> held,
      Reason reason,
      String message,
      Instant now) {
    LOG.warnf(
        "%s/%s: %s",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
    new EventRecorder(context.getClient(), clock, recordedEvents)
        .record(resource, EventType.Warning, reason, message);
    List<StageOutcome> outcomes = new ArrayList<>();
    for (StageOutcome.Ref ref : StageEntries.known(resource, held.values())) {
      outcomes.add(
          StageOutcome.notIssued(
              ref,
              ManagedSecrets.held(
                  Optional.ofNullable(held.get(ref.secretName())),
                  resource.getMetadata().getUid(),
                  ManagedSecrets.labels(resource, ref.stage())),
              reason,
              "not issued or renewed while the resource is refused (see the Ready condition)",
              now));
    }
    DeploymentCredentialStatus status =
        StatusBuilder.refused(
            resource.getStatus(), generation(resource), reason, message, outcomes, now);
    return finish(resource, context, status, outcomes, now);
  }

  private static long generation(DeploymentCredential resource) {
    return Optional.ofNullable(resource.getMetadata().getGeneration()).orElse(0L);
  }

  /** Writes the status and schedules the next look at the earliest time a stage needs one. */
  private static UpdateControl<DeploymentCredential> finish(
      DeploymentCredential resource,
      Context<DeploymentCredential> context,
      DeploymentCredentialStatus status,
      List<StageOutcome> outcomes,
      Instant now) {
    StatusWriter.write(resource, context, status);
    UpdateControl<DeploymentCredential> control = UpdateControl.noUpdate();
    return StageOutcome.nextCheck(outcomes, now, MIN_DELAY)
        .map(control::rescheduleAfter)
        .orElse(control);
  }
}
