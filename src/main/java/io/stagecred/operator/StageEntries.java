package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.Patterns;
import io.stagecred.api.StageSpec;
import io.stagecred.api.StageStatus;
import io.stagecred.identity.IdentityPlan;
import io.stagecred.stage.StageResolver;
import io.stagecred.stage.StageSettings;
import io.stagecred.stage.Violation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads a resource whose spec has no resource-wide violation and the violations of single entries;
 * returns its concrete stages, each with a plan when its entry is valid or with its violations when
 * not, so that one bad entry stops only its own stage. Pure.
 */
final class StageEntries {

  private static final Pattern STAGE_NAME = Pattern.compile(Patterns.STAGE_NAME);

  /** One concrete stage: exactly one of {@code plan} and {@code violations} is meaningful. */
  record Entry(StageOutcome.Ref ref, StagePlan plan, List<Violation> violations) {}

  private final List<Entry> concrete;
  private final List<Violation> invalid;

  private StageEntries(List<Entry> concrete, List<Violation> invalid) {
    this.concrete = concrete;
    this.invalid = invalid;
  }

  static StageEntries of(
      DeploymentCredential resource,
      Function<StageSpec, IdentityPlan> identities,
      List<Violation> violations) {
    DeploymentCredentialSpec spec = resource.getSpec();
    Map<Integer, List<Violation>> byStage =
        violations.stream()
            .filter(v -> !v.resourceWide())
            .collect(Collectors.groupingBy(Violation::stageIndex));
    List<Entry> concrete = new ArrayList<>();
    for (int i = 0; i < spec.getStages().size(); i++) {
      StageSpec s = spec.getStages().get(i);
      List<Violation> own = byStage.getOrDefault(i, List.of());
      if (s.getName() == null || StageResolver.isPattern(s.getName())) {
        continue; // a pattern serves sidecars only; its violations are reported all the same
      }
      if (own.isEmpty()) {
        StagePlan plan = StagePlan.of(resource, s, identities.apply(s));
        concrete.add(
            new Entry(
                new StageOutcome.Ref(plan.stage(), plan.secretName(), plan.roleArn()), plan, null));
      } else if (STAGE_NAME.matcher(s.getName()).matches()) {
        String secretName =
            StageSettings.secretName(resource.getMetadata().getName(), spec, s.getName());
        concrete.add(
            new Entry(new StageOutcome.Ref(s.getName(), secretName, s.getRoleArn()), null, own));
      }
    }
    List<Violation> invalid = violations.stream().filter(v -> !v.resourceWide()).toList();
    return new StageEntries(concrete, invalid);
  }

  /**
   * The stages a refused resource reports: those its previous status listed and those it holds a
   * Secret for, so that what each Secret still holds is said honestly.
   */
  static List<StageOutcome.Ref> known(DeploymentCredential resource, Collection<Secret> held) {
    Map<String, StageOutcome.Ref> refs = new LinkedHashMap<>();
    if (resource.getStatus() != null && resource.getStatus().getStages() != null) {
      for (StageStatus s : resource.getStatus().getStages()) {
        refs.put(s.getName(), new StageOutcome.Ref(s.getName(), s.getSecretName(), s.getRoleArn()));
      }
    }
    held.stream()
        .filter(s -> ManagedSecrets.ownedBy(s, resource.getMetadata().getUid()))
        .forEach(
            s -> {
              String stage = s.getMetadata().getLabels().get(Names.LABEL_STAGE);
              String role =
                  s.getMetadata().getAnnotations() == null
                      ? null
                      : s.getMetadata().getAnnotations().get(Names.ANN_ROLE_ARN);
              if (stage != null) {
                refs.putIfAbsent(
                    stage, new StageOutcome.Ref(stage, s.getMetadata().getName(), role));
              }
            });
    return List.copyOf(refs.values());
  }

  /** Concrete stages in declaration order. */
  List<Entry> concrete() {
    return concrete;
  }

  /** Plans of the valid concrete stages. */
  List<StagePlan> plans() {
    return concrete.stream().map(Entry::plan).filter(Objects::nonNull).toList();
  }

  /** Violations of single entries, concrete or pattern. */
  List<Violation> invalid() {
    return invalid;
  }

  /** Secret names of every concrete stage, valid or not: Secrets of other names are removed. */
  Set<String> secretNames() {
    return concrete.stream().map(e -> e.ref().secretName()).collect(Collectors.toSet());
  }
}
