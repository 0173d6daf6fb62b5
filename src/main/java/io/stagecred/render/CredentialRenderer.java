package io.stagecred.render;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a {@link RenderInput}; returns the Secret's data map, the sidecar's files and the endpoint
 * body, all as plain strings (the caller base64-encodes for the Secret). Same input, same bytes.
 */
public final class CredentialRenderer {

  private CredentialRenderer() {}

  /** The shared-credentials INI: {@code [<stage>]} then {@code [default]}. */
  public static String credentialsFile(RenderInput in) {
    return CredentialsIni.render(in);
  }

  /**
   * The config INI: {@code [profile <stage>]}, {@code [profile <stage>-process]}, {@code
   * [default]}.
   */
  public static String configFile(RenderInput in) {
    return ConfigIni.render(in);
  }

  /** What {@code credential_process = cat <mount>/credential-process.json} prints. */
  public static String credentialProcessJson(RenderInput in) {
    return CredentialJson.credentialProcess(in.credentials());
  }

  /** The body the sidecar's loopback container-credentials endpoint answers with. */
  public static String containerCredentialsJson(RenderInput in) {
    return CredentialJson.containerCredentials(in.credentials());
  }

  /** Every key of the Secret contract, sorted by key. */
  public static SortedMap<String, String> secretData(RenderInput in) {
    // A sorted map keeps the Secret (and any checksum over it) identical for identical input.
    SortedMap<String, String> data = new TreeMap<>(sidecarFiles(in));
    var c = in.credentials();
    data.put(SecretKeys.AWS_ACCESS_KEY_ID, c.accessKeyId());
    data.put(SecretKeys.AWS_SECRET_ACCESS_KEY, c.secretAccessKey());
    data.put(SecretKeys.AWS_SESSION_TOKEN, c.sessionToken());
    // boto3 1.26 reads only AWS_DEFAULT_REGION, newer SDKs AWS_REGION: write both.
    data.put(SecretKeys.AWS_REGION, in.region());
    data.put(SecretKeys.AWS_DEFAULT_REGION, in.region());
    data.put(SecretKeys.stageAccessKeyId(in.stage()), c.accessKeyId());
    data.put(SecretKeys.stageSecretAccessKey(in.stage()), c.secretAccessKey());
    data.put(SecretKeys.stageSessionToken(in.stage()), c.sessionToken());
    return data;
  }

  /**
   * The sidecar's output files: {@code credentials}, {@code config}, {@code
   * credential-process.json}.
   */
  public static SortedMap<String, String> sidecarFiles(RenderInput in) {
    SortedMap<String, String> files = new TreeMap<>();
    files.put(SecretKeys.CREDENTIALS, credentialsFile(in));
    files.put(SecretKeys.CONFIG, configFile(in));
    files.put(SecretKeys.CREDENTIAL_PROCESS_JSON, credentialProcessJson(in));
    return files;
  }
}
