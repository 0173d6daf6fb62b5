package io.stagecred.sidecar;

import io.stagecred.config.Timing;
import io.stagecred.failure.Failure;
import io.stagecred.failure.OutputFailure;
import io.stagecred.identity.IssuingSession;
import io.stagecred.identity.TokenFile;
import io.stagecred.render.CredentialRenderer;
import io.stagecred.render.RenderInput;
import io.stagecred.renewal.RetrySchedule;
import io.stagecred.sts.IssuedCredentials;
import io.stagecred.sts.StsGateway;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * One refresh of the sidecar: resolves the stage, asks STS with the pod's token, writes the files
 * and publishes the credentials to the endpoint; returns when to run again. Logs each outcome,
 * never a secret. Not thread-safe: one caller (the refresh thread, or ONCE mode's main thread).
 */
public final class Refresher {

  private static final Logger LOG = Logger.getLogger(Refresher.class);

  /** Where issued credentials are written: the output folder in production. */
  @FunctionalInterface
  public interface Output {
    void write(RenderInput input) throws IOException;
  }

  /** The outcome of one attempt: success, or the typed failure; and when to run again. */
  public record Attempt(Failure problem, Instant next) {
    public boolean succeeded() {
      return problem == null;
    }
  }

  private final SidecarSettings settings;
  private final Supplier<TargetResolver.Result> targets;
  private final TokenFile tokens;
  private final StsGateway sts;
  private final Output output;
  private final CredentialState state;
  private final Timing timing;
  private final Clock clock;
  private StageTarget lastTarget;
  private int failures;

  public Refresher(
      SidecarSettings settings,
      Supplier<TargetResolver.Result> targets,
      StsGateway sts,
      Output output,
      CredentialState state,
      Timing timing,
      Clock clock) {
    this.settings = settings;
    this.targets = targets;
    this.tokens =
        new TokenFile(
            settings.tokenFile(),
            "the pod's",
            "give the pod a projected service-account token for STS (EKS IRSA does when its"
                + " service account is annotated with eks.amazonaws.com/role-arn), and set"
                + " AWS_WEB_IDENTITY_TOKEN_FILE to its path");
    this.sts = sts;
    this.output = output;
    this.state = state;
    this.timing = timing;
    this.clock = clock;
  }

  /** Resolves, issues and writes once. Never throws for STS, identity or definition failures. */
  public Attempt attempt() {
    TargetResolver.Result resolved = targets.get();
    StageTarget target = resolved.target();
    if (target == null) {
      Failure failure = resolved.failure();
      if (!failure.transientFailure() || lastTarget == null) {
        return failed(failure);
      }
      // The definition is unreachable for now (API server down); the last one read still holds.
      LOG.warnf("%s; renewing with the definition read before", failure.message());
      target = lastTarget;
    }
    lastTarget = target;
    IssuingSession session =
        new IssuingSession(
            target.namespace(),
            target.owner(),
            target.request().region(),
            target.identity(),
            tokens::read,
            sts);
    IssuingSession.Result result = session.issue(target.request());
    if (result.failure() != null) {
      return failed(result.failure());
    }
    IssuedCredentials credentials = result.credentials();
    Instant issuedAt = clock.instant();
    RenderInput input =
        new RenderInput(
            target.stage(),
            target.request().region(),
            credentials,
            settings.outputDir().toString());
    try {
      output.write(input);
    } catch (IOException | RuntimeException e) {
      return failed(
          new OutputFailure(
              "cannot write the credential files to "
                  + settings.outputDir()
                  + " ("
                  + e.getClass().getSimpleName()
                  + "). Fix: mount a writable volume (an emptyDir with medium: Memory) there, or"
                  + " set STAGECRED_OUTPUT_DIR"));
    }
    Instant renewal =
        RetrySchedule.renewalTime(
            issuedAt,
            credentials.expiration(),
            target.renewBefore(),
            timing,
            jitterKey(target.stage()));
    boolean renewed = state.current().isPresent();
    state.set(
        new CredentialState.Current(
            credentials, CredentialRenderer.containerCredentialsJson(input), issuedAt, renewal));
    failures = 0;
    LOG.infof(
        "stage %s: %s credentials for %s (%s, as %s); written to %s, valid until %s, next renewal"
            + " at %s",
        target.stage(),
        renewed ? "renewed" : "issued",
        target.request().roleArn(),
        target.origin(),
        credentials.assumedRoleArn(),
        settings.outputDir(),
        credentials.expiration(),
        renewal);
    return new Attempt(null, renewal);
  }

  private Attempt failed(Failure problem) {
    failures++;
    Instant now = clock.instant();
    Optional<Instant> validUntil =
        state.current().map(CredentialState.Current::expiration).filter(now::isBefore);
    Instant next =
        RetrySchedule.nextAttempt(
            now,
            failures,
            problem.transientFailure(),
            validUntil,
            timing,
            jitterKey(settings.stage()));
    // Failure messages end with a sentence of their own; keep one full stop between sentences.
    String message = problem.message().replaceAll("\\.+$", "");
    if (validUntil.isPresent()) {
      LOG.warnf(
          "stage %s: renewal failed (%s, %d in a row): %s. The current credentials stay valid"
              + " until %s; next attempt at %s",
          settings.stage(), problem.code(), failures, message, validUntil.get(), next);
    } else if (settings.once()) {
      LOG.errorf(
          "stage %s: no credentials (%s, %d in a row): %s",
          settings.stage(), problem.code(), failures, message);
    } else {
      LOG.errorf(
          "stage %s: no valid credentials (%s, %d in a row): %s. The endpoint answers 503 and"
              + " readiness is DOWN; next attempt at %s",
          settings.stage(), problem.code(), failures, message, next);
    }
    return new Attempt(problem, next);
  }

  private String jitterKey(String stage) {
    return settings.podName() + "/" + stage;
  }
}
