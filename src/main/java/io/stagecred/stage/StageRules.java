package io.stagecred.stage;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.Patterns;
import io.stagecred.api.StageSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads spec.stages; adds a {@link Violation} for each bad entry (name, role, region, lifetime,
 * chaining).
 */
final class StageRules {

  private static final Pattern NAME = Pattern.compile(Patterns.STAGE_NAME_OR_PATTERN);
  private static final Pattern EXTERNAL_ID = Pattern.compile(Patterns.EXTERNAL_ID);

  private StageRules() {}

  static void validate(
      DeploymentCredentialSpec spec, ValidationContext ctx, String chainFix, List<Violation> out) {
    List<StageSpec> stages = spec.getStages();
    if (stages == null || stages.isEmpty()) {
      out.add(
          new Violation(
              "spec.stages",
              "must list at least one stage, e.g. {name: dev, roleArn: "
                  + SpecValidator.ROLE_EXAMPLE
                  + "}"));
      return;
    }
    if (stages.size() > SpecValidator.MAX_STAGES) {
      out.add(
          new Violation(
              "spec.stages",
              "has "
                  + stages.size()
                  + " entries but at most 64 are allowed; cover many stages with a pattern"
                  + " such as pr-*"));
    }
    Map<String, Integer> firstIndex = new HashMap<>();
    for (int i = 0; i < stages.size(); i++) {
      String at = "spec.stages[" + i + "]";
      StageSpec s = stages.get(i);
      if (s == null) {
        out.add(new Violation(at, "is empty; give it a name and a roleArn"));
        continue;
      }
      // What is wrong with one entry concerns that stage alone; a duplicate name concerns two
      // stages that would share a Secret, so it is reported for the whole resource.
      List<Violation> entry = new ArrayList<>();
      boolean chained = StageSettings.chained(spec, s, ctx.operatorChains());
      name(at, s.getName(), i, firstIndex, entry, out);
      String sa = s.getServiceAccountName();
      if (sa != null
          && (sa.length() > SpecValidator.MAX_SUBDOMAIN
              || !SpecValidator.DNS_SUBDOMAIN.matcher(sa).matches())) {
        entry.add(
            new Violation(
                at + ".serviceAccountName",
                "must be the name of a service account in this namespace (lowercase letters,"
                    + " digits, '-' and '.', e.g. orders-prod-deployer)"));
      }
      roleArn(at, s.getRoleArn(), entry);
      if (s.getRegion() != null && !SpecValidator.validRegion(s.getRegion())) {
        entry.add(
            new Violation(
                at + ".region",
                "must be an AWS region name such as eu-west-1, or be removed to use spec.region"));
      } else if (s.getRegion() != null && !SpecValidator.knownRegion(s.getRegion(), ctx)) {
        entry.add(new Violation(at + ".region", SpecValidator.unknownRegion(s.getRegion())));
      }
      SpecValidator.durationSeconds(
          at + ".durationSeconds", s.getDurationSeconds(), chained, chainFix, entry);
      externalId(at, s.getExternalId(), chained, chainFix, entry);
      SessionTagRules.validate(at + ".sessionTags", s.getSessionTags(), chained, chainFix, entry);
      for (Violation v : entry) {
        out.add(v.ofStage(i));
      }
    }
  }

  private static void name(
      String at,
      String name,
      int index,
      Map<String, Integer> firstIndex,
      List<Violation> entry,
      List<Violation> out) {
    if (name == null || name.isEmpty()) {
      entry.add(
          new Violation(
              at + ".name",
              "is required; use the stage passed to 'serverless deploy --stage', e.g. dev"));
    } else if (!NAME.matcher(name).matches()) {
      entry.add(
          new Violation(
              at + ".name",
              "must be 1..63 lowercase letters, digits and '-', starting and ending with a letter"
                  + " or digit (a pattern may use '*', e.g. pr-*)"));
    } else if ("default".equals(name)) {
      entry.add(
          new Violation(
              at + ".name",
              "'default' is reserved: every Secret already has a [default] profile; rename the"
                  + " stage (e.g. dev) and point spec.defaultStage at it"));
    } else if (firstIndex.containsKey(name)) {
      out.add(
          new Violation(
              at + ".name",
              "duplicates spec.stages["
                  + firstIndex.get(name)
                  + "].name '"
                  + name
                  + "'; stage names must be"
                  + " unique, so rename or remove one of them"));
    } else {
      firstIndex.put(name, index);
    }
  }

  private static void roleArn(String at, String arn, List<Violation> out) {
    if (arn == null || arn.isBlank()) {
      out.add(
          new Violation(
              at + ".roleArn",
              "is required; set the IAM role that deploys this stage, such as "
                  + SpecValidator.ROLE_EXAMPLE));
    } else if (!SpecValidator.ROLE_ARN.matcher(arn).matches()) {
      out.add(
          new Violation(
              at + ".roleArn", "must be an IAM role ARN such as " + SpecValidator.ROLE_EXAMPLE));
    }
  }

  private static void externalId(
      String at, String externalId, boolean chained, String chainFix, List<Violation> out) {
    if (externalId == null) {
      return;
    }
    if (!chained) {
      out.add(
          new Violation(
              at + ".externalId",
              "is passed only to a chained AssumeRole, and this resource does not chain; set"
                  + " identity.sourceRoleArn or remove externalId"));
    } else if (externalId.length() < Patterns.MIN_EXTERNAL_ID
        || externalId.length() > Patterns.MAX_EXTERNAL_ID
        || !EXTERNAL_ID.matcher(externalId).matches()) {
      // The value is not echoed: external IDs are meant to be hard to guess.
      out.add(
          new Violation(
              at + ".externalId",
              "must be 2..1224 characters of letters, digits and +=,.@:/_- (STS's ExternalId"
                  + " alphabet)"));
    }
  }
}
