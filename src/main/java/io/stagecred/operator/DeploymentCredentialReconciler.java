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
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.Reason;
import io.stagecred.config.StagecredConfig;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.identity.IssuingSession;
import io.stagecred.identity.OperatorIdentityPolicy;
import io.stagecred.identity.TokenSource;
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
 * Reconciles a DeploymentCredential: validates it, checks who may call STS, lets {@link
 * StageHandler} bring each concrete stage's Secret up to date, deletes Secrets of removed stages,
 * writes status and schedules the next renewal or retry with JOSDK's reschedule.
 */
@ControllerConfiguration(name = DeploymentCredentialReconciler.NAME)
public class DeploymentCredentialReconciler implements Reconciler<DeploymentCredential> {

  public static final String NAME = "deploymentcredential";
  private static final Logger LOG = Logger.getLogger(DeploymentCredentialReconciler.class);

  private final StagecredConfig config;
  private final Clock clock;
  private final StsGateway sts;
  private final OperatorIdentityPolicy operatorIdentityPolicy;

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
    InformerEventSourceConfiguration<Secret> secrets =
        InformerEventSourceConfiguration.from(Secret.class, DeploymentCredential.class)
            .withLabelSelector(Names.MANAGED_SELECTOR)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(DeploymentCredential.class))
            .build();
    return List.of(new InformerEventSource<>(secrets, context));
  }

  @Override
  public UpdateControl<DeploymentCredential> reconcile(
      DeploymentCredential resource, Context<DeploymentCredential> context) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String namespace = resource.getMetadata().getNamespace();
    String name = resource.getMetadata().getName();
    long generation = generation(resource);
    DeploymentCredentialStatus previous = resource.getStatus();
    // Everything that talks to Kubernetes uses the framework's client for this reconciliation.
    EventRecorder events = new EventRecorder(context.getClient(), clock);

    List<Violation> violations =
        SpecValidator.validate(
            resource.getSpec(), new ValidationContext(name, config.operatorIdentity().chain()));
    if (!violations.isEmpty()) {
      String message =
          "invalid spec: "
              + violations.stream()
                  .map(v -> v.field() + " " + v.message())
                  .collect(Collectors.joining("; "));
      return refuse(resource, context, events, Reason.InvalidSpec, message, now);
    }

    IdentityPlan identity =
        IdentityPlan.of(
            resource.getSpec(),
            namespace,
            config.tokenRequest().defaultAudience(),
            config.operatorIdentity().chain(),
            config.operatorIdentity().roleArn());
    List<StagePlan> plans = StagePlan.of(resource, identity);
    if (identity.operatorOwn()) {
      // A declared source role is reached with the operator's token too, so it must be allowed.
      List<String> roles = new ArrayList<>();
      if (resource.getSpec().getIdentity() != null
          && resource.getSpec().getIdentity().getSourceRoleArn() != null) {
        roles.add(resource.getSpec().getIdentity().getSourceRoleArn());
      }
      plans.forEach(p -> roles.add(p.roleArn()));
      Optional<String> refusal = operatorIdentityPolicy.refusal(namespace, roles);
      if (refusal.isPresent()) {
        String message = "refused to use the operator's own identity: " + refusal.get();
        return refuse(resource, context, events, Reason.IdentityRefused, message, now);
      }
    }

    Map<String, Secret> held =
        context.getSecondaryResources(Secret.class).stream()
            .collect(
                Collectors.toMap(s -> s.getMetadata().getName(), Function.identity(), (a, b) -> a));
    TokenSource tokens = new TokenSource(context.getClient(), config);
    IssuingSession session =
        new IssuingSession(
            namespace,
            name,
            resource.getSpec().getRegion(),
            identity,
            () -> tokens.token(identity, namespace),
            sts);
    StageHandler stages = new StageHandler(context.getClient(), events, config.renewal());
    List<StageOutcome> outcomes = new ArrayList<>();
    for (StagePlan plan : plans) {
      outcomes.add(stages.handle(resource, plan, held.get(plan.secretName()), session, now));
    }
    Set<String> wanted = plans.stream().map(StagePlan::secretName).collect(Collectors.toSet());
    held.values().stream()
        .filter(s -> !wanted.contains(s.getMetadata().getName()))
        .filter(s -> ManagedSecrets.ownedBy(s, resource.getMetadata().getUid()))
        .forEach(s -> stages.deleteRemoved(resource, s));

    DeploymentCredentialStatus status =
        StatusBuilder.fromStages(previous, generation, outcomes, now);
    Duration next =
        outcomes.stream()
            .map(StageOutcome::nextAttempt)
            .filter(Objects::nonNull)
            .min(Comparator.naturalOrder())
            .map(t -> Duration.between(now, t))
            .map(
                d ->
                    d.compareTo(config.renewal().minInterval()) < 0
                        ? config.renewal().minInterval()
                        : d)
            .orElse(null);
    return finish(resource, context, status, next);
  }

  @Override
  public ErrorStatusUpdateControl<DeploymentCredential> updateErrorStatus(
      DeploymentCredential resource, Context<DeploymentCredential> context, Exception e) {
    // Unexpected failures (API conflicts, outages) are retried by JOSDK with backoff. The status
    // says
    // what failed without the exception text, which could quote request content.
    String detail =
        e instanceof KubernetesClientException k
            ? "the Kubernetes API answered HTTP " + k.getCode()
            : e.getClass().getSimpleName();
    LOG.warnf(
        "%s/%s: reconciliation failed (%s); retrying",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), detail);
    writeStatus(
        resource,
        context,
        StatusBuilder.refused(
            resource.getStatus(),
            generation(resource),
            Reason.KubernetesApiError,
            "reconciliation failed: " + detail + "; retrying with backoff",
            clock.instant().truncatedTo(ChronoUnit.SECONDS)));
    return ErrorStatusUpdateControl.noStatusUpdate();
  }

  /**
   * A resource the operator will not act on as it stands: the reason goes to the log, a Warning
   * event and the status. Nothing is rescheduled; the fix (a spec change) triggers the next run.
   */
  private UpdateControl<DeploymentCredential> refuse(
      DeploymentCredential resource,
      Context<DeploymentCredential> context,
      EventRecorder events,
      Reason reason,
      String message,
      Instant now) {
    LOG.warnf(
        "%s/%s: %s",
        resource.getMetadata().getNamespace(), resource.getMetadata().getName(), message);
    events.warning(resource, reason, message);
    return finish(
        resource,
        context,
        StatusBuilder.refused(resource.getStatus(), generation(resource), reason, message, now),
        null);
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
