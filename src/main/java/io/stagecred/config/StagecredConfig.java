package io.stagecred.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
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

    /** Namespaces allowed to use the operator's identity (exact names or globs). Empty: none. */
    Optional<List<String>> allowedNamespaces();

    /** Stage role ARNs (globs) the operator's identity may be lent to. Empty: none. */
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

  /** Renewal and retry timing. */
  interface Renewal {
    /** Upper bound of the random-looking spread subtracted from each renewal time. */
    @WithDefault("60s")
    Duration jitterMax();

    /** First retry delay after a transient STS failure; doubles per failure. */
    @WithDefault("5s")
    Duration retryInitial();

    /** Largest retry delay after transient STS failures. */
    @WithDefault("5m")
    Duration retryMax();

    /** Retry delay after a terminal failure (access denied, invalid token, invalid spec). */
    @WithDefault("15m")
    Duration terminalRetry();

    /** Shortest delay between two reconciliations scheduled by renewal. */
    @WithDefault("5s")
    Duration minInterval();
  }
}
