package io.stagecred.operator;

import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.stagecred.config.StagecredConfig;
import io.stagecred.config.Timing;
import io.stagecred.identity.OperatorIdentityPolicy;
import io.stagecred.webhook.WebhookLauncher;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Starts the operator (its informers and reconciler) in the operator and demo modes only. The
 * operator is built not to start by itself, so sidecar mode never creates informers.
 */
@Singleton
public class OperatorLauncher {

  private static final Logger LOG = Logger.getLogger(OperatorLauncher.class);

  private Operator started;

  void onStart(@Observes StartupEvent event, StagecredConfig config, Instance<Operator> operator) {
    if (!"operator".equals(config.mode()) && !"demo".equals(config.mode())) {
      return;
    }
    // Chaining through the operator's role with no role known would silently fall back to direct
    // web identity while validation assumes chaining; refuse to start instead.
    if (config.operatorIdentity().chain() && config.operatorIdentity().roleArn().isEmpty()) {
      throw new IllegalStateException(
          "stagecred.operator-identity.chain=true needs the operator's role: set AWS_ROLE_ARN (IRSA"
              + " does) or stagecred.operator-identity.role-arn");
    }
    List<String> problems = startupProblems(config);
    if (!problems.isEmpty()) {
      throw new IllegalStateException(String.join("; ", problems));
    }
    LOG.infof("starting the stagecred operator (%s mode)", config.mode());
    started = operator.get();
    started.start();
  }

  /**
   * What keeps the operator from starting: removed settings still set, malformed grants, timing
   * that cannot be used.
   */
  static List<String> startupProblems(StagecredConfig config) {
    StagecredConfig.OperatorIdentity identity = config.operatorIdentity();
    List<String> problems = new ArrayList<>();
    Timing.from(config.renewal(), problems);
    if (identity.allowedNamespaces().isPresent() || identity.allowedRoleArns().isPresent()) {
      problems.add(
          "stagecred.operator-identity.allowed-namespaces and allowed-role-arns"
              + " (STAGECRED_OPERATOR_IDENTITY_ALLOWED_NAMESPACES, _ALLOWED_ROLE_ARNS) are no"
              + " longer read: together they let any listed namespace use any listed role. Remove"
              + " them and list pairs in "
              + OperatorIdentityPolicy.PROPERTY
              + " (STAGECRED_OPERATOR_IDENTITY_GRANTS), e.g."
              + " ci-*=arn:aws:iam::111111111111:role/deploy-*");
    }
    problems.addAll(OperatorIdentityPolicy.problems(identity.grants().orElse(List.of())));
    if ("operator".equals(config.mode()) && config.webhook().enabled()) {
      problems.addAll(WebhookLauncher.problems(config.webhook()));
    }
    return problems;
  }

  /** Stops informers and reconciliations before the application's beans go away. */
  void onStop(@Observes ShutdownEvent event) {
    if (started != null) {
      started.stop();
      started = null;
    }
  }
}
