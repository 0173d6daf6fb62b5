package io.stagecred.sidecar.process;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * A long deploy step in its own JVM: reads credentials through the container endpoint
 * (AWS_CONTAINER_CREDENTIALS_FULL_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) and through the
 * config file's credential_process profile (AWS_CONFIG_FILE); writes one line per GetCallerIdentity
 * call to stdout, never a secret.
 *
 * <p>Arguments: seconds to run, the STS endpoint, the process profile (e.g. {@code pr-42-process}).
 */
public final class DeployProcess {

  private DeployProcess() {}

  public static void main(String[] args) throws InterruptedException {
    Duration runFor = Duration.ofSeconds(Long.parseLong(args[0]));
    URI sts = URI.create(args[1]);
    String profile = args[2];
    // Both clients are built once and kept: the point is that the same client keeps working
    // across credential expiry without a restart, as a long `serverless deploy` would need.
    Route endpoint = new Route("endpoint", ContainerCredentialsProvider.builder().build(), sts);
    Route process =
        new Route(
            "process", ProfileCredentialsProvider.builder().profileName(profile).build(), sts);
    Instant end = Instant.now().plus(runFor);
    int calls = 0;
    while (Instant.now().isBefore(end)) {
      endpoint.call();
      process.call();
      calls += 2;
      Thread.sleep(300);
    }
    endpoint.close();
    process.close();
    System.out.println("done " + calls + " calls");
  }

  /** One way of getting credentials, and a client that uses it for every call. */
  private static final class Route implements AutoCloseable {
    private final String name;
    private final StsClient client;
    // The access key id the client signed the last call with: the provider is wrapped so the
    // value recorded is exactly the one handed to the signer, not one resolved separately.
    private final AtomicReference<String> lastKeyId = new AtomicReference<>("-");

    Route(String name, AwsCredentialsProvider provider, URI sts) {
      this.name = name;
      AwsCredentialsProvider recording =
          () -> {
            AwsCredentials credentials = provider.resolveCredentials();
            lastKeyId.set(credentials.accessKeyId());
            return credentials;
          };
      this.client =
          StsClient.builder()
              .endpointOverride(sts)
              .region(Region.US_EAST_1)
              .httpClientBuilder(UrlConnectionHttpClient.builder())
              .credentialsProvider(recording)
              // A retry could hide an ExpiredToken answer; every call must succeed first time.
              .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
              .build();
    }

    void call() {
      lastKeyId.set("-");
      try {
        String arn = client.getCallerIdentity().arn();
        System.out.println(name + " OK " + lastKeyId.get() + " " + arn);
      } catch (AwsServiceException e) {
        System.out.println(
            name
                + " FAIL "
                + e.getClass().getSimpleName()
                + " "
                + e.awsErrorDetails().errorCode()
                + " "
                + lastKeyId.get());
      } catch (RuntimeException e) {
        // Credential resolution failed (e.g. the endpoint answered 503): no AWS error code.
        System.out.println(
            name + " FAIL " + e.getClass().getSimpleName() + " - " + lastKeyId.get());
      }
    }

    @Override
    public void close() {
      client.close();
    }
  }
}
