package io.stagecred.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * All of stagecred's runtime settings (prefix {@code stagecred}); domain code reads nothing else.
 */
@ConfigMapping(prefix = "stagecred")
public interface StagecredConfig {

  /** Mode chosen by the first program argument: operator, sidecar or demo. */
  @WithDefault("operator")
  String mode();

  /** How the operator reaches STS. */
  Sts sts();

  /** The operator's own web identity, used by resources that declare no identity. */
  @WithName("operator-identity")
  OperatorIdentity operatorIdentity();

  /** Tokens minted with the TokenRequest API for identity.serviceAccountName. */
  @WithName("token-request")
  TokenRequest tokenRequest();

  /** Renewal and retry timing. */
  Renewal renewal();

  /** Demo mode only. */
  Demo demo();

  /** Operator mode only: the mutating admission webhook that injects the sidecar. */
  Webhook webhook();

  /**
   * Sidecar mode only. The members sit directly under {@code stagecred} so that the contract's
   * variables map onto them: {@code STAGECRED_STAGE} is {@code stagecred.stage}, and so on.
   */
  @WithParentName
  Sidecar sidecar();

  /**
   * Sidecar settings (the "Sidecar contract" of the design). Numbers, switches and durations are
   * read as text and checked by {@code SidecarSettings}, so a malformed value is reported like any
   * other bad variable (named, with its fix, exit code 2) and never stops the operator's startup.
   */
  interface Sidecar {
    /** STAGECRED_STAGE: the concrete stage to serve, e.g. {@code pr-42}. */
    Optional<String> stage();

    /** STAGECRED_ROLE_ARN: the stage's role, when no DeploymentCredential is used. */
    Optional<String> roleArn();

    /** STAGECRED_DEPLOYMENT_CREDENTIAL: a DeploymentCredential in the pod's namespace. */
    Optional<String> deploymentCredential();

    /** STAGECRED_DEFINITION_FILE: a YAML file holding a DeploymentCredential. */
    Optional<Path> definitionFile();

    /** STAGECRED_NAMESPACE: the pod's namespace; default: the Kubernetes client's namespace. */
    Optional<String> namespace();

    /**
     * STAGECRED_REGION: region for STAGECRED_ROLE_ARN (a DeploymentCredential names its own);
     * defaults to AWS_REGION, then AWS_DEFAULT_REGION.
     */
    Optional<String> region();

    /** STAGECRED_DURATION_SECONDS: requested lifetime for STAGECRED_ROLE_ARN. */
    @WithDefault("3600")
    String durationSeconds();

    /**
     * STAGECRED_CHAIN: web identity into AWS_ROLE_ARN, then AssumeRole into the stage role. A
     * DeploymentCredential with identity.sourceRoleArn chains through that role regardless.
     */
    @WithDefault("false")
    String chain();

    /** STAGECRED_OUTPUT_DIR: where credentials, config and credential-process.json are kept. */
    @WithDefault("/var/run/stagecred")
    Path outputDir();

    /** STAGECRED_ENDPOINT_PORT: loopback container-credentials endpoint; unset: no endpoint. */
    Optional<String> endpointPort();

    /** STAGECRED_ENDPOINT_TOKEN_FILE: default {@code <output dir>/endpoint-token}. */
    Optional<Path> endpointTokenFile();

    /** STAGECRED_ONCE: write the files once and exit (init-container use). */
    @WithDefault("false")
    String once();

    /** The pod's name (Kubernetes sets HOSTNAME to it): names STS sessions in CloudTrail. */
    Optional<String> podName();

    /** STAGECRED_ONCE_TIMEOUT: how long ONCE mode retries transient failures before giving up. */
    @WithDefault("60s")
    String onceTimeout();
  }

  /** The sidecar-injection webhook (the "Injection contract" of the design). */
  interface Webhook {
    /** Serve the webhook (HTTPS on {@link #port()}) in operator mode. */
    @WithDefault("true")
    boolean enabled();

    /** The webhook's HTTPS port (the Service's target port). */
    @WithDefault("8443")
    int port();

    /** The image of the injected sidecar: the operator's own image (deploy/ sets both). */
    @WithDefault("ghcr.io/stagecred/stagecred:0.1.0")
    String sidecarImage();

    /** The injected sidecar's imagePullPolicy. */
    @WithDefault("IfNotPresent")
    String sidecarImagePullPolicy();

    /** The serving certificate. */
    Tls tls();

    /** Where the webhook's certificate lives and who keeps it. */
    interface Tls {
      /**
       * true: the operator creates and renews a CA and the serving certificate in {@link #secret()}
       * and writes the CA into {@link #configuration()}; false: another tool (cert-manager) keeps
       * both, and the operator only serves what the Secret holds.
       */
      @WithDefault("true")
      boolean manage();

      /** The Secret (in {@link #namespace()}) holding tls.crt, tls.key and ca.crt. */
      @WithDefault("stagecred-webhook-tls")
      String secret();

      /** The operator's own namespace (deploy/ passes POD_NAMESPACE). */
      @WithDefault("stagecred-system")
      String namespace();

      /** The MutatingWebhookConfiguration whose caBundle the operator keeps. */
      @WithDefault("stagecred")
      String configuration();

      /** The Service in front of the webhook: its DNS names go into the certificate. */
      @WithDefault("stagecred-webhook")
      String service();

      /** IP addresses the certificate also names (a webhook called by URL, as in tests). */
      Optional<List<String>> ipAddresses();

      /** Lifetime of the self-made CA. */
      @WithDefault("8760h")
      Duration caValidity();

      /** Lifetime of the serving certificate. */
      @WithDefault("2160h")
      Duration certificateValidity();

      /** How often the Secret and the caBundle are checked (and a renewed certificate loaded). */
      @WithDefault("1m")
      Duration checkInterval();

      /**
       * How long a new CA sits in the caBundle beside the old one before it signs the serving
       * certificate, so that every API server trusts it before it is used.
       */
      @WithDefault("2m")
      Duration caOverlap();
    }
  }

  /** Demo settings, set from the demo's command line. */
  interface Demo {
    /** Folder where managed Secrets are mirrored as a kubelet would mount them. */
    Optional<Path> outputDir();

    /** How often the stage table is refreshed. */
    @WithDefault("5s")
    Duration tableInterval();
  }

  /** STS settings. */
  interface Sts {
    /**
     * Endpoint override. Unset: the AWS SDK's standard resolution (AWS_ENDPOINT_URL_STS,
     * AWS_ENDPOINT_URL, then the regional endpoint).
     */
    Optional<URI> endpoint();

    /** Time limit for one STS API call including the SDK's own retries. */
    @WithDefault("20s")
    Duration callTimeout();

    /**
     * Accept regions the AWS SDK of this release does not know (a region opened after it); by
     * default such a region is refused as a typo, since STS would never answer there.
     */
    @WithDefault("false")
    boolean allowUnknownRegions();

    /** Attempts the SDK makes per call before the operator's backoff takes over. */
    @WithDefault("2")
    int sdkMaxAttempts();
  }

  /** The operator's own IRSA identity. */
  interface OperatorIdentity {
    /** Token file (EKS IRSA sets AWS_WEB_IDENTITY_TOKEN_FILE); re-read on every STS call. */
    Optional<Path> tokenFile();

    /** The operator's own role (AWS_ROLE_ARN); the source role when {@link #chain()} is true. */
    Optional<String> roleArn();

    /**
     * When true, resources without identity chain through {@link #roleArn()}: web identity into it,
     * then AssumeRole into the stage role.
     */
    @WithDefault("false")
    boolean chain();

    /**
     * Who may lend the operator's identity to which role: pairs {@code <namespace glob>=<role ARN
     * glob>}, e.g. {@code ci-*=arn:aws:iam::111111111111:role/deploy-*}. Empty: nobody.
     */
    Optional<List<String>> grants();

    /**
     * Removed: with {@link #allowedRoleArns()} it formed a cross product (any listed namespace
     * could use any listed role). Read only so that the operator refuses to start while it is set.
     */
    Optional<List<String>> allowedNamespaces();

    /** Removed, like {@link #allowedNamespaces()}. */
    Optional<List<String>> allowedRoleArns();
  }

  /** TokenRequest settings. */
  interface TokenRequest {
    /** Lifetime requested for minted tokens (the API's minimum is 10 minutes). */
    @WithDefault("10m")
    Duration expiration();

    /** Audience used when identity.audience is not set. */
    @WithDefault("sts.amazonaws.com")
    String defaultAudience();
  }

  /**
   * Renewal and retry timing, read as text and checked by {@link Timing#from} so that a malformed
   * value is reported by its variable name in both modes.
   */
  interface Renewal {
    /** Upper bound of the random-looking spread subtracted from each renewal time. */
    @WithDefault(Timing.JITTER_MAX)
    String jitterMax();

    /** First retry delay after a transient STS failure; doubles per failure. */
    @WithDefault(Timing.RETRY_INITIAL)
    String retryInitial();

    /** Largest retry delay after transient STS failures. */
    @WithDefault(Timing.RETRY_MAX)
    String retryMax();

    /** Retry delay after a terminal failure (access denied, invalid token, invalid spec). */
    @WithDefault(Timing.TERMINAL_RETRY)
    String terminalRetry();

    /** Shortest delay between two reconciliations scheduled by renewal. */
    @WithDefault(Timing.MIN_INTERVAL)
    String minInterval();
  }
}
