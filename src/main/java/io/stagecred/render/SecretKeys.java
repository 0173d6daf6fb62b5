package io.stagecred.render;

import java.util.Locale;

/**
 * Reads a stage name; returns the data keys of the Secret contract (design.md, "Secret contract").
 */
public final class SecretKeys {

  public static final String CREDENTIALS = "credentials";
  public static final String CONFIG = "config";
  public static final String CREDENTIAL_PROCESS_JSON = "credential-process.json";
  public static final String AWS_ACCESS_KEY_ID = "AWS_ACCESS_KEY_ID";
  public static final String AWS_SECRET_ACCESS_KEY = "AWS_SECRET_ACCESS_KEY";
  public static final String AWS_SESSION_TOKEN = "AWS_SESSION_TOKEN";
  public static final String AWS_REGION = "AWS_REGION";
  public static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";

  private SecretKeys() {}

  /** {@code AWS_<STAGE>_ACCESS_KEY_ID}. */
  public static String stageAccessKeyId(String stage) {
    return stagePrefix(stage) + "ACCESS_KEY_ID";
  }

  /** {@code AWS_<STAGE>_SECRET_ACCESS_KEY}. */
  public static String stageSecretAccessKey(String stage) {
    return stagePrefix(stage) + "SECRET_ACCESS_KEY";
  }

  /** {@code AWS_<STAGE>_SESSION_TOKEN}. */
  public static String stageSessionToken(String stage) {
    return stagePrefix(stage) + "SESSION_TOKEN";
  }

  private static String stagePrefix(String stage) {
    // Serverless v3 builds the name as `AWS_${stage.toUpperCase()}_...` and changes nothing else,
    // so
    // "pr-42" must stay "PR-42" (not "PR_42"). Locale.ROOT keeps "i" from becoming a dotted I.
    return "AWS_" + stage.toUpperCase(Locale.ROOT) + "_";
  }
}
