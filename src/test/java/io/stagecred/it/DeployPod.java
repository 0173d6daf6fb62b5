package io.stagecred.it;

import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What a deploy pod sees: a Secret's keys as env values or mounted files, used through the real AWS
 * SDK credential providers to sign GetCallerIdentity against the STS emulator, which verifies the
 * SigV4 signature. A successful call proves the credentials are byte-exact.
 */
public final class DeployPod {

  private DeployPod() {}

  /** The Secret's data as the pod reads it (decoded). */
  public static Map<String, String> read(Secret secret) {
    Map<String, String> out = new TreeMap<>();
    secret
        .getData()
        .forEach(
            (k, v) ->
                out.put(k, new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
    return out;
  }

  /** Writes the Secret's keys as files into {@code dir}, like a mounted Secret volume. */
  public static Path mount(Secret secret, Path dir) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> e : read(secret).entrySet()) {
        Files.writeString(dir.resolve(e.getKey()), e.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Caller ARN using env-style keys with the given prefix ("AWS_" or "AWS_DEV_"). */
  public static String callerFromEnv(Map<String, String> env, String prefix, URI sts) {
    return caller(
        StaticCredentialsProvider.create(
            AwsSessionCredentials.create(
                env.get(prefix + "ACCESS_KEY_ID"),
                env.get(prefix + "SECRET_ACCESS_KEY"),
                env.get(prefix + "SESSION_TOKEN"))),
        sts);
  }

  /** Caller ARN using the shared credentials file and a profile, as AWS_PROFILE would select it. */
  public static String callerFromCredentialsFile(Path credentialsFile, String profile, URI sts) {
    ProfileFile file =
        ProfileFile.builder().content(credentialsFile).type(ProfileFile.Type.CREDENTIALS).build();
    return caller(
        ProfileCredentialsProvider.builder().profileFile(file).profileName(profile).build(), sts);
  }

  /**
   * Caller ARN using the config file's profile (e.g. dev-process, which runs credential_process).
   */
  public static String callerFromConfigFile(Path configFile, String profile, URI sts) {
    ProfileFile file =
        ProfileFile.builder().content(configFile).type(ProfileFile.Type.CONFIGURATION).build();
    return caller(
        ProfileCredentialsProvider.builder().profileFile(file).profileName(profile).build(), sts);
  }

  /** Signs GetCallerIdentity with {@code credentials} and returns the caller ARN STS reports. */
  public static String caller(AwsCredentialsProvider credentials, URI sts) {
    try (StsClient client =
        StsClient.builder()
            .endpointOverride(sts)
            .region(Region.US_EAST_1)
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .credentialsProvider(credentials)
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build()) {
      return client.getCallerIdentity().arn();
    }
  }
}
