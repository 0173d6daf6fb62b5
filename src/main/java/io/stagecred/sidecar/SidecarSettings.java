package io.stagecred.sidecar;

import io.stagecred.api.Patterns;
import io.stagecred.config.StagecredConfig;
import io.stagecred.config.Timing;
import io.stagecred.stage.Regions;
import io.stagecred.stage.StageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * Reads the sidecar's configuration (the contract's STAGECRED_* and AWS_* variables); returns it
 * checked, or fails with one message listing every variable to fix.
 *
 * @param roleArn STAGECRED_ROLE_ARN; exactly one of roleArn, resourceName, definitionFile is set
 * @param sourceRoleArn AWS_ROLE_ARN, the source role when chaining
 * @param endpointPort empty: no loopback endpoint
 * @param onceTimeout how long ONCE mode retries transient failures
 * @param allowUnknownRegions STAGECRED_STS_ALLOW_UNKNOWN_REGIONS: accept regions the AWS SDK does
 *     not know
 * @param timing STAGECRED_RENEWAL_*: renewal and retry timing, checked as the operator checks it
 */
public record SidecarSettings(
    String stage,
    Optional<String> roleArn,
    Optional<String> resourceName,
    Optional<Path> definitionFile,
    Optional<String> namespace,
    Optional<String> region,
    int durationSeconds,
    boolean chain,
    Optional<Path> tokenFile,
    Optional<String> sourceRoleArn,
    Path outputDir,
    OptionalInt endpointPort,
    Path endpointTokenFile,
    boolean once,
    Duration onceTimeout,
    String podName,
    boolean allowUnknownRegions,
    Timing timing) {

  private static final Pattern STAGE = Pattern.compile(Patterns.STAGE_NAME);
  private static final Pattern ROLE = Pattern.compile(Patterns.ROLE_ARN);
  private static final Pattern REGION = Pattern.compile(Patterns.REGION);
  private static final Pattern PATH = Pattern.compile(Patterns.ABSOLUTE_PATH);
  private static final Pattern NAMESPACE = Pattern.compile(Patterns.DNS_LABEL);
  private static final Pattern RESOURCE_NAME = Pattern.compile(Patterns.DNS_SUBDOMAIN);

  /** Marks a number that did not parse (and was reported); no valid setting has this value. */
  private static final int NOT_A_NUMBER = Integer.MIN_VALUE;

  /** Thrown when the configuration cannot work; the message lists each variable and its fix. */
  public static final class InvalidSettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidSettingsException(List<String> problems) {
      super(
          "the sidecar's configuration is invalid:\n  - "
              + String.join("\n  - ", problems)
              + "\nSee README.md, section \"Sidecar\".");
    }
  }

  /** Checks {@code config} (values from the environment). */
  public static SidecarSettings from(StagecredConfig config) {
    StagecredConfig.Sidecar s = config.sidecar();
    List<String> problems = new ArrayList<>();
    int durationSeconds = integer("STAGECRED_DURATION_SECONDS", s.durationSeconds(), problems);
    boolean chain = flag("STAGECRED_CHAIN", s.chain(), problems);
    boolean once = flag("STAGECRED_ONCE", s.once(), problems);
    OptionalInt endpointPort =
        s.endpointPort().stream()
            .mapToInt(p -> integer("STAGECRED_ENDPOINT_PORT", p, problems))
            .filter(p -> p != NOT_A_NUMBER)
            .findFirst();
    Duration onceTimeout =
        Timing.nonNegative("STAGECRED_ONCE_TIMEOUT", s.onceTimeout(), problems)
            .orElse(Duration.ZERO);
    String stage = s.stage().orElse("");
    if (stage.isEmpty()) {
      problems.add("STAGECRED_STAGE is not set: set it to the stage to serve, e.g. pr-42");
    } else if (!STAGE.matcher(stage).matches()) {
      problems.add(
          "STAGECRED_STAGE='"
              + printable(stage)
              + "' is not a concrete stage name: use lowercase letters, digits and '-' (e.g."
              + " pr-42)");
    }
    int sources =
        (s.roleArn().isPresent() ? 1 : 0)
            + (s.deploymentCredential().isPresent() ? 1 : 0)
            + (s.definitionFile().isPresent() ? 1 : 0);
    if (sources != 1) {
      problems.add(
          (sources == 0 ? "no role source is set" : "more than one role source is set")
              + ": set exactly one of STAGECRED_ROLE_ARN, STAGECRED_DEPLOYMENT_CREDENTIAL"
              + " (a DeploymentCredential in this namespace) or STAGECRED_DEFINITION_FILE");
    }
    s.roleArn()
        .filter(r -> !ROLE.matcher(r).matches())
        .ifPresent(
            r ->
                problems.add(
                    "STAGECRED_ROLE_ARN='"
                        + printable(r)
                        + "' is not an IAM role ARN such as"
                        + " arn:aws:iam::123456789012:role/deploy-dev"));
    if (s.roleArn().isPresent()) {
      if (s.region().isEmpty()) {
        problems.add(
            "no region for STAGECRED_ROLE_ARN: set AWS_REGION (or STAGECRED_REGION), e.g."
                + " us-east-1");
      }
      if (durationSeconds != NOT_A_NUMBER
          && (durationSeconds < StageSettings.MIN_DURATION_SECONDS
              || durationSeconds > StageSettings.MAX_DURATION_SECONDS)) {
        problems.add(
            "STAGECRED_DURATION_SECONDS="
                + durationSeconds
                + " is outside STS's range: use 900 to 43200");
      }
    }
    s.region()
        .filter(r -> !REGION.matcher(r).matches())
        .ifPresent(
            r ->
                problems.add(
                    "the region '"
                        + printable(r)
                        + "' is not an AWS region name such as us-east-1"));
    s.region()
        .filter(r -> REGION.matcher(r).matches())
        .filter(r -> !config.sts().allowUnknownRegions() && !Regions.known(r))
        .ifPresent(
            r ->
                problems.add(
                    "the region '"
                        + r
                        + "' (AWS_REGION or STAGECRED_REGION) is not one this release knows, so STS"
                        + " would never answer there: correct it (e.g. us-east-1), or set"
                        + " STAGECRED_STS_ALLOW_UNKNOWN_REGIONS=true for a region newer than this"
                        + " release"));
    s.namespace()
        .filter(n -> !NAMESPACE.matcher(n).matches())
        .ifPresent(
            n ->
                problems.add(
                    "STAGECRED_NAMESPACE='"
                        + printable(n)
                        + "' is not a namespace name (lowercase letters, digits and '-', at most"
                        + " 63): set it from the downward API (fieldRef metadata.namespace)"));
    s.deploymentCredential()
        .filter(n -> n.length() > Patterns.MAX_SUBDOMAIN || !RESOURCE_NAME.matcher(n).matches())
        .ifPresent(
            n ->
                problems.add(
                    "STAGECRED_DEPLOYMENT_CREDENTIAL='"
                        + printable(n)
                        + "' is not a resource name (lowercase letters, digits, '-' and '.'): set"
                        + " it to the name of a DeploymentCredential in the pod's namespace, e.g."
                        + " orders"));
    if (config.operatorIdentity().tokenFile().isEmpty()) {
      problems.add(
          "AWS_WEB_IDENTITY_TOKEN_FILE is not set: the sidecar assumes roles with the pod's own"
              + " web-identity token; give the pod an IRSA service account or project a"
              + " service-account token (audience sts.amazonaws.com) and point the variable at it"
              + " (deploy/examples/serverless-sidecar-job.yaml)");
    }
    Timing timing = Timing.from(config.renewal(), problems);
    if (chain && config.operatorIdentity().roleArn().isEmpty()) {
      problems.add(
          "STAGECRED_CHAIN=true needs the source role in AWS_ROLE_ARN (EKS IRSA sets it): set it,"
              + " or drop STAGECRED_CHAIN");
    }
    Path outputDir = s.outputDir().toAbsolutePath().normalize();
    if (!PATH.matcher(outputDir.toString()).matches()) {
      problems.add(
          "STAGECRED_OUTPUT_DIR='"
              + printable(outputDir.toString())
              + "' must be an absolute path of letters, digits, '.', '_', '-' and '/' (it is"
              + " written into the config file's credential_process command)");
    }
    endpointPort.stream()
        .filter(p -> p < 1 || p > 65535)
        .forEach(
            p -> problems.add("STAGECRED_ENDPOINT_PORT=" + p + " is not a TCP port (1-65535)"));
    if (!problems.isEmpty()) {
      throw new InvalidSettingsException(problems);
    }
    return new SidecarSettings(
        stage,
        s.roleArn(),
        s.deploymentCredential(),
        s.definitionFile(),
        s.namespace(),
        s.region(),
        durationSeconds,
        chain,
        config.operatorIdentity().tokenFile(),
        config.operatorIdentity().roleArn(),
        outputDir,
        endpointPort,
        s.endpointTokenFile().orElse(outputDir.resolve("endpoint-token")),
        once,
        onceTimeout,
        s.podName().filter(n -> !n.isBlank()).orElse("sidecar"),
        config.sts().allowUnknownRegions(),
        timing);
  }

  /** Where the role comes from, for log lines. */
  public String roleSource() {
    if (roleArn.isPresent()) {
      return "STAGECRED_ROLE_ARN";
    }
    return resourceName
        .map(n -> "DeploymentCredential " + namespace.map(ns -> ns + "/").orElse("") + n)
        .orElseGet(() -> "definition file " + definitionFile.orElseThrow());
  }

  private static int integer(String variable, String raw, List<String> problems) {
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      problems.add(variable + "='" + printable(raw) + "' is not a whole number");
      return NOT_A_NUMBER;
    }
  }

  private static boolean flag(String variable, String raw, List<String> problems) {
    switch (raw.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1":
        return true;
      case "false", "no", "off", "0":
        return false;
      default:
        problems.add(variable + "='" + printable(raw) + "' is not a switch: use true or false");
        return false;
    }
  }

  private static String printable(String value) {
    String v = value.length() > 80 ? value.substring(0, 80) + "..." : value;
    return v.replaceAll("\\p{Cntrl}", "?");
  }
}
