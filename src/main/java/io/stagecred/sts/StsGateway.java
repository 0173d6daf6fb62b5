package io.stagecred.sts;

import io.stagecred.config.StagecredConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.StsClientBuilder;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * The only class that talks to STS: AssumeRoleWithWebIdentity and the chained AssumeRole, one SDK
 * client per region. Throws the SDK's exceptions unchanged; {@link StsErrorClassifier} interprets
 * them.
 */
@ApplicationScoped
public class StsGateway {

  private final StagecredConfig.Sts config;
  private final Map<String, StsClient> clients = new ConcurrentHashMap<>();

  public StsGateway(StagecredConfig config) {
    this.config = config.sts();
  }

  /** Exchanges a web-identity token for credentials of {@code roleArn}. */
  public IssuedCredentials assumeRoleWithWebIdentity(
      String region, String roleArn, String sessionName, int durationSeconds, String token) {
    AssumeRoleWithWebIdentityRequest request =
        AssumeRoleWithWebIdentityRequest.builder()
            .roleArn(roleArn)
            .roleSessionName(sessionName)
            .durationSeconds(durationSeconds)
            .webIdentityToken(token)
            .build();
    var response = client(region).assumeRoleWithWebIdentity(request);
    return toIssued(response.credentials(), response.assumedRoleUser().arn());
  }

  /** Chains from {@code source} credentials into {@code request.roleArn()}. */
  public IssuedCredentials assumeRole(
      String region, IssuedCredentials source, ChainedRequest request) {
    AssumeRoleRequest.Builder builder =
        AssumeRoleRequest.builder()
            .roleArn(request.roleArn())
            .roleSessionName(request.sessionName())
            .durationSeconds(request.durationSeconds())
            .sourceIdentity(request.sourceIdentity())
            .tags(
                request.tags().entrySet().stream()
                    .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                    .toList())
            .overrideConfiguration(
                o ->
                    o.credentialsProvider(
                        StaticCredentialsProvider.create(
                            AwsSessionCredentials.create(
                                source.accessKeyId(),
                                source.secretAccessKey(),
                                source.sessionToken()))));
    if (request.externalId() != null) {
      builder.externalId(request.externalId());
    }
    var response = client(region).assumeRole(builder.build());
    return toIssued(response.credentials(), response.assumedRoleUser().arn());
  }

  private StsClient client(String region) {
    return clients.computeIfAbsent(region, this::build);
  }

  private StsClient build(String region) {
    StsClientBuilder builder =
        StsClient.builder()
            .region(Region.of(region))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            // AssumeRoleWithWebIdentity is unsigned; AssumeRole gets its credentials per request.
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .overrideConfiguration(
                o ->
                    o.apiCallTimeout(config.callTimeout())
                        .retryStrategy(
                            AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(config.sdkMaxAttempts())
                                .build()));
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static IssuedCredentials toIssued(Credentials c, String assumedRoleArn) {
    return new IssuedCredentials(
        c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), c.expiration(), assumedRoleArn);
  }

  @PreDestroy
  void close() {
    clients.values().forEach(StsClient::close);
  }

  /** Parameters of a chained AssumeRole into a stage role. */
  public record ChainedRequest(
      String roleArn,
      String sessionName,
      int durationSeconds,
      String externalId,
      String sourceIdentity,
      Map<String, String> tags) {}
}
