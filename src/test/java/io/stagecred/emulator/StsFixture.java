package io.stagecred.emulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

/** One emulator, one trusted issuer and the SDK clients a test needs; closes them all. */
final class StsFixture implements AutoCloseable {
  static final String ACCOUNT = "123456789012";
  static final String DEPLOYER = "arn:aws:iam::" + ACCOUNT + ":role/stagecred/deployer";
  static final String STAGE_ROLE = "arn:aws:iam::" + ACCOUNT + ":role/stage-dev";
  static final String AUDIENCE = "sts.amazonaws.com";
  static final String SUBJECT = "system:serviceaccount:ci:deployer";

  final MutableClock clock = new MutableClock();
  final JwtIssuer issuer = new JwtIssuer();
  final StsEmulator sts;
  private final List<StsClient> clients = new ArrayList<>();

  StsFixture() {
    this(1);
  }

  StsFixture(long lifetimeDivisor) {
    sts =
        StsEmulator.builder()
            .clock(clock)
            .lifetimeDivisor(lifetimeDivisor)
            .trust(issuer)
            .build()
            .start();
    sts.allowWebIdentity(DEPLOYER, "system:serviceaccount:ci:*", AUDIENCE);
  }

  /** A valid token for {@link #SUBJECT}, valid for an hour from the emulator's now. */
  String token() {
    return token(SUBJECT, AUDIENCE);
  }

  String token(String subject, String audience) {
    Instant now = clock.instant();
    return issuer.mint(subject, audience, now, now.plus(Duration.ofHours(1)));
  }

  /** The client AssumeRoleWithWebIdentity needs: no credentials at all. */
  StsClient anonymous() {
    return client(AnonymousCredentialsProvider.create());
  }

  StsClient signedBy(Credentials c) {
    return signedBy(c.accessKeyId(), c.secretAccessKey(), c.sessionToken());
  }

  StsClient signedBy(String accessKeyId, String secretAccessKey, String sessionToken) {
    return client(
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create(accessKeyId, secretAccessKey, sessionToken)));
  }

  /** A single attempt per call, so error tests see the first answer and run fast. */
  StsClient client(AwsCredentialsProvider credentials) {
    StsClient c =
        StsClient.builder()
            .endpointOverride(sts.endpoint())
            .region(Region.US_EAST_1)
            .credentialsProvider(credentials)
            .httpClient(UrlConnectionHttpClient.create())
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    clients.add(c);
    return c;
  }

  /** Web identity credentials for the deployer role. */
  AssumeRoleWithWebIdentityResponse webIdentity(String sessionName) {
    return anonymous()
        .assumeRoleWithWebIdentity(
            r -> r.roleArn(DEPLOYER).roleSessionName(sessionName).webIdentityToken(token()));
  }

  @Override
  public void close() {
    clients.forEach(StsClient::close);
    sts.close();
  }
}
