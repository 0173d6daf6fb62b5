package io.stagecred.stage;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.IdentitySpec;
import io.stagecred.api.Patterns;
import io.stagecred.api.StageSpec;
import io.stagecred.renewal.RenewalPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a spec and a {@link ValidationContext}; returns every violation, in field order, each
 * naming the field and the fix. It checks all the CRD schema checks (the demo's embedded API does
 * not enforce the schema, and a resource stored under an older schema may not meet the current one)
 * plus rules the schema cannot express.
 */
public final class SpecValidator {

  static final String ROLE_EXAMPLE = "arn:aws:iam::111111111111:role/deploy-dev";
  static final Pattern REGION = Pattern.compile(Patterns.REGION);
  static final Pattern ROLE_ARN = Pattern.compile(Patterns.ROLE_ARN);
  static final Pattern DNS_SUBDOMAIN = Pattern.compile(Patterns.DNS_SUBDOMAIN);
  private static final Pattern MOUNT_PATH = Pattern.compile(Patterns.ABSOLUTE_PATH);
  private static final Pattern STAGE_NAME = Pattern.compile(Patterns.STAGE_NAME);
  static final int MAX_STAGES = 64;
  static final int MAX_SUBDOMAIN = Patterns.MAX_SUBDOMAIN;
  static final int MAX_PREFIX = 190;

  private SpecValidator() {}

  public static List<Violation> validate(DeploymentCredentialSpec spec, ValidationContext ctx) {
    List<Violation> out = new ArrayList<>();
    if (spec == null) {
      out.add(new Violation("spec", "is missing; set at least spec.region and spec.stages"));
      return out;
    }
    if (spec.getUnreadable() != null) {
      // The message starts with the field that could not be read.
      int space = spec.getUnreadable().indexOf(' ');
      out.add(
          new Violation(
              spec.getUnreadable().substring(0, space), spec.getUnreadable().substring(space + 1)));
      return out;
    }
    // spec.durationSeconds applies to every stage without its own: it must suit a chained one.
    boolean chained =
        spec.getStages() == null || spec.getStages().isEmpty()
            ? StageSettings.chained(spec, ctx.operatorChains())
            : spec.getStages().stream()
                .anyMatch(
                    s ->
                        s != null
                            && s.getDurationSeconds() == null
                            && StageSettings.chained(spec, s, ctx.operatorChains()));
    region(spec, ctx, out);
    identity(spec, out);
    durationSeconds(
        "spec.durationSeconds", spec.getDurationSeconds(), chained, chainFix(spec), out);
    StageRules.validate(spec, ctx, chainFix(spec), out);
    renewBefore(spec, out);
    defaultStage(spec, out);
    mountPath(spec, out);
    secretNames(spec, ctx, out);
    return out;
  }

  private static void region(
      DeploymentCredentialSpec spec, ValidationContext ctx, List<Violation> out) {
    String region = spec.getRegion();
    if (region == null || region.isBlank()) {
      out.add(
          new Violation(
              "spec.region", "is required; set the default AWS region such as us-east-1"));
    } else if (!validRegion(region)) {
      out.add(
          new Violation(
              "spec.region", "must be an AWS region name such as us-east-1 or eu-west-1"));
    } else if (!knownRegion(region, ctx)) {
      out.add(new Violation("spec.region", unknownRegion(region)));
    }
  }

  /** Whether {@code region} is known, or unknown regions are accepted. */
  static boolean knownRegion(String region, ValidationContext ctx) {
    return ctx.allowUnknownRegions() || Regions.known(region);
  }

  /** The message for a well-formed region the AWS SDK does not know. */
  static String unknownRegion(String region) {
    return "names the region '"
        + region
        + "', which this release of stagecred does not know (STS would never answer there);"
        + " correct it (e.g. us-east-1, eu-west-1), or, for a region newer than this release,"
        + " set "
        + Regions.OVERRIDE
        + "=true on the operator (STAGECRED_STS_ALLOW_UNKNOWN_REGIONS for a sidecar)";
  }

  /** An AWS region name no longer than the schema's limit. */
  static boolean validRegion(String region) {
    return region.length() <= Patterns.MAX_REGION && REGION.matcher(region).matches();
  }

  private static void identity(DeploymentCredentialSpec spec, List<Violation> out) {
    IdentitySpec id = spec.getIdentity();
    if (id == null) {
      return;
    }
    boolean stageAccounts =
        spec.getStages() != null
            && spec.getStages().stream()
                .anyMatch(s -> s != null && s.getServiceAccountName() != null);
    String sa = id.getServiceAccountName();
    if (sa != null && (sa.length() > MAX_SUBDOMAIN || !DNS_SUBDOMAIN.matcher(sa).matches())) {
      out.add(
          new Violation(
              "spec.identity.serviceAccountName",
              "must be the name of a service account in this namespace (lowercase letters, digits,"
                  + " '-' and '.', e.g. orders-deployer)"));
    }
    String audience = id.getAudience();
    if (audience != null && audience.isBlank()) {
      out.add(
          new Violation(
              "spec.identity.audience",
              "is blank; set the IAM OIDC provider's client ID (usually sts.amazonaws.com) or"
                  + " remove it to use the default"));
    } else if (audience != null && audience.length() > Patterns.MAX_AUDIENCE) {
      out.add(
          new Violation(
              "spec.identity.audience",
              "is longer than "
                  + Patterns.MAX_AUDIENCE
                  + " characters; set the IAM OIDC provider's client ID (usually"
                  + " sts.amazonaws.com)"));
    } else if (audience != null && sa == null && !stageAccounts) {
      out.add(
          new Violation(
              "spec.identity.audience",
              "applies only to tokens minted for a service account; set"
                  + " identity.serviceAccountName (or a stage's serviceAccountName) or remove"
                  + " audience"));
    }
    String source = id.getSourceRoleArn();
    if (source != null && !ROLE_ARN.matcher(source).matches()) {
      out.add(
          new Violation(
              "spec.identity.sourceRoleArn",
              "must be an IAM role ARN such as arn:aws:iam::111111111111:role/ci-base"));
    }
  }

  /** Range check, plus the one-hour cap of chained sessions. */
  static void durationSeconds(
      String field, Integer seconds, boolean chained, String chainFix, List<Violation> out) {
    if (seconds == null) {
      return;
    }
    if (seconds < StageSettings.MIN_DURATION_SECONDS
        || seconds > StageSettings.MAX_DURATION_SECONDS) {
      out.add(
          new Violation(
              field,
              "is "
                  + seconds
                  + " but must be between 900 and 43200 seconds (15 minutes to 12 hours); STS"
                  + " accepts nothing else"));
    } else if (chained && seconds > StageSettings.MAX_CHAINED_DURATION_SECONDS) {
      out.add(
          new Violation(
              field,
              "is "
                  + seconds
                  + " but chained sessions last at most 3600 seconds; lower durationSeconds or "
                  + chainFix));
    }
  }

  /** What removes chaining for this spec, for messages. */
  static String chainFix(DeploymentCredentialSpec spec) {
    IdentitySpec id = spec.getIdentity();
    return id != null && id.getSourceRoleArn() != null
        ? "drop identity.sourceRoleArn"
        : "set identity.serviceAccountName (the operator chains through its own role for resources"
            + " without one)";
  }

  private static void renewBefore(DeploymentCredentialSpec spec, List<Violation> out) {
    if (spec.getRenewBefore() == null) {
      return;
    }
    Duration renewBefore;
    try {
      if (spec.getRenewBefore().length() > Patterns.MAX_DURATION) {
        throw new IllegalArgumentException("too long");
      }
      renewBefore = RenewalPolicy.parseDuration(spec.getRenewBefore());
    } catch (IllegalArgumentException e) {
      out.add(
          new Violation(
              "spec.renewBefore",
              "must be a duration in hours, minutes and seconds such as 20m, 1h30m or 90s"));
      return;
    }
    if (renewBefore.isZero()) {
      out.add(
          new Violation(
              "spec.renewBefore",
              "must be longer than zero; remove it to use the default (a third of the lifetime)"));
      return;
    }
    // The shortest lifetime decides: renewBefore must be shorter than every stage's lifetime, or
    // that
    // stage would be renewed the moment it is issued.
    StageSpec shortest = null;
    int shortestSeconds = Integer.MAX_VALUE;
    if (spec.getStages() != null) {
      for (StageSpec s : spec.getStages()) {
        if (s == null || s.getName() == null) {
          continue;
        }
        int seconds = StageSettings.durationSeconds(spec, s);
        if (seconds >= StageSettings.MIN_DURATION_SECONDS && seconds < shortestSeconds) {
          shortest = s;
          shortestSeconds = seconds;
        }
      }
    }
    if (shortest != null && renewBefore.getSeconds() >= shortestSeconds) {
      out.add(
          new Violation(
              "spec.renewBefore",
              "is "
                  + RenewalPolicy.formatDuration(renewBefore)
                  + " but stage '"
                  + shortest.getName()
                  + "' lasts only "
                  + RenewalPolicy.formatDuration(Duration.ofSeconds(shortestSeconds))
                  + " ("
                  + shortestSeconds
                  + " seconds); renewBefore must be shorter than every stage's lifetime, so"
                  + " lower it (e.g. to "
                  + RenewalPolicy.formatDuration(Duration.ofSeconds(shortestSeconds / 3))
                  + ") or remove it to use the default"));
    }
  }

  private static void defaultStage(DeploymentCredentialSpec spec, List<Violation> out) {
    String def = spec.getDefaultStage();
    if (def == null) {
      return;
    }
    List<String> concrete =
        StageResolver.concreteStages(spec).stream().map(StageSpec::getName).toList();
    if (!STAGE_NAME.matcher(def).matches()) {
      out.add(
          new Violation(
              "spec.defaultStage",
              "must be a concrete stage name (lowercase letters, digits and '-', no '*') listed in"
                  + " spec.stages, e.g. one of "
                  + concrete));
    } else if (!concrete.contains(def)) {
      out.add(
          new Violation(
              "spec.defaultStage",
              "names no concrete stage in spec.stages; set it to one of "
                  + concrete
                  + " or add a stage named '"
                  + def
                  + "'"));
    }
  }

  private static void mountPath(DeploymentCredentialSpec spec, List<Violation> out) {
    String path = spec.getMountPath();
    if (path != null
        && (path.length() > Patterns.MAX_PATH || !MOUNT_PATH.matcher(path).matches())) {
      out.add(
          new Violation(
              "spec.mountPath",
              "must be an absolute path of at most "
                  + Patterns.MAX_PATH
                  + " letters, digits, '.', '_', '-' and '/' such as"
                  + " /var/run/stagecred (it is embedded unquoted in the config file's"
                  + " credential_process command)"));
    }
  }

  private static void secretNames(
      DeploymentCredentialSpec spec, ValidationContext ctx, List<Violation> out) {
    String prefix = spec.getSecretNamePrefix();
    String field = prefix != null ? "spec.secretNamePrefix" : "metadata.name";
    if (prefix != null
        && (prefix.length() > MAX_PREFIX || !DNS_SUBDOMAIN.matcher(prefix).matches())) {
      out.add(
          new Violation(
              "spec.secretNamePrefix",
              "must be a DNS subdomain of at most 190 characters (lowercase letters, digits, '-'"
                  + " and '.', starting and ending with a letter or digit), e.g. orders"));
      return;
    }
    if (prefix == null && ctx.resourceName() == null) {
      return;
    }
    for (StageSpec s : StageResolver.concreteStages(spec)) {
      if (!STAGE_NAME.matcher(s.getName()).matches()) {
        continue; // already reported on the stage
      }
      String name = StageSettings.secretName(ctx.resourceName(), spec, s.getName());
      if (name.length() > MAX_SUBDOMAIN || !DNS_SUBDOMAIN.matcher(name).matches()) {
        out.add(
            new Violation(
                field,
                "makes the Secret name for stage '"
                    + s.getName()
                    + "' "
                    + name.length()
                    + " characters long or otherwise invalid; Secret names are DNS subdomains of at"
                    + " most 253 characters, so set spec.secretNamePrefix to a shorter prefix"));
        return; // one report is enough: the fix is the same for every stage
      }
    }
  }
}
