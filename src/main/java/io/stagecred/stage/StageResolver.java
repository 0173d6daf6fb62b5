package io.stagecred.stage;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.Patterns;
import io.stagecred.api.StageSpec;
import io.stagecred.stage.Resolution.Match;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads spec.stages, spec.defaultStage and a requested concrete stage name; returns the entry that
 * serves it (exact name, else most specific pattern, else defaultStage) or an error saying what to
 * add.
 */
public final class StageResolver {

  private static final Pattern CONCRETE = Pattern.compile(Patterns.STAGE_NAME);

  /** What '*' stands for: any run, possibly empty, of the stage-name alphabet. */
  private static final String WILDCARD = "[a-z0-9-]*";

  private StageResolver() {}

  /** Whether a stage entry's name is a pattern (contains '*'). */
  public static boolean isPattern(String name) {
    return name != null && name.indexOf('*') >= 0;
  }

  /** The entries that get a Secret: non-pattern names, in declared order. Null-safe. */
  public static List<StageSpec> concreteStages(DeploymentCredentialSpec spec) {
    if (spec == null || spec.getStages() == null) {
      return List.of();
    }
    return spec.getStages().stream()
        .filter(s -> s != null && s.getName() != null && !isPattern(s.getName()))
        .toList();
  }

  /** Resolves {@code requested} against the spec's stages and defaultStage. */
  public static ResolveResult resolve(DeploymentCredentialSpec spec, String requested) {
    return spec == null
        ? resolve(List.of(), null, requested)
        : resolve(spec.getStages(), spec.getDefaultStage(), requested);
  }

  /** Resolves {@code requested}: exact name, else the most specific pattern, else defaultStage. */
  public static ResolveResult resolve(
      List<StageSpec> stages, String defaultStage, String requested) {
    if (requested == null || !CONCRETE.matcher(requested).matches()) {
      return ResolveResult.failed(
          "the requested stage "
              + shown(requested)
              + " is not a concrete stage name; use lowercase letters,"
              + " digits and '-' such as pr-42");
    }
    List<StageSpec> entries = stages == null ? List.of() : stages;
    for (StageSpec s : entries) {
      if (s != null && requested.equals(s.getName())) {
        return ResolveResult.resolved(new Resolution(requested, s, Match.EXACT));
      }
    }
    StageSpec best = null;
    for (StageSpec s : entries) {
      if (s != null
          && isPattern(s.getName())
          && matches(s.getName(), requested)
          && (best == null || moreSpecific(s.getName(), best.getName()))) {
        best = s;
      }
    }
    if (best != null) {
      return ResolveResult.resolved(new Resolution(requested, best, Match.PATTERN));
    }
    if (defaultStage != null) {
      for (StageSpec s : entries) {
        if (s != null && defaultStage.equals(s.getName()) && !isPattern(s.getName())) {
          return ResolveResult.resolved(new Resolution(requested, s, Match.DEFAULT));
        }
      }
      return ResolveResult.failed(
          "no stage matches '"
              + requested
              + "' and spec.defaultStage "
              + shown(defaultStage)
              + " names no concrete stage in spec.stages; set spec.defaultStage to one of "
              + concreteNames(entries)
              + " or add a stage or pattern (e.g. name: \""
              + suggestion(requested)
              + "\") to spec.stages");
    }
    return ResolveResult.failed(
        "no stage matches '"
            + requested
            + "' and spec.defaultStage is not set; add a stage or pattern"
            + " (e.g. name: \""
            + suggestion(requested)
            + "\") to spec.stages, or set spec.defaultStage to"
            + " one of "
            + concreteNames(entries));
  }

  /**
   * Whether {@code pattern} ('*' = any run of [a-z0-9-], possibly empty) matches the whole of
   * {@code stage}.
   */
  public static boolean matches(String pattern, String stage) {
    StringBuilder regex = new StringBuilder();
    int from = 0;
    for (int star = pattern.indexOf('*'); star >= 0; star = pattern.indexOf('*', from)) {
      regex.append(Pattern.quote(pattern.substring(from, star))).append(WILDCARD);
      from = star + 1;
    }
    regex.append(Pattern.quote(pattern.substring(from)));
    return Pattern.matches(regex.toString(), stage);
  }

  /**
   * Longest literal prefix wins (pr-* beats p*); on a tie, more literal characters (pr-*-eu beats
   * pr-*); on a full tie the earlier entry, which the caller keeps by requiring "strictly more
   * specific".
   */
  static boolean moreSpecific(String candidate, String current) {
    int byPrefix = Integer.compare(candidate.indexOf('*'), current.indexOf('*'));
    if (byPrefix != 0) {
      return byPrefix > 0;
    }
    return literalLength(candidate) > literalLength(current);
  }

  private static int literalLength(String pattern) {
    return (int) pattern.chars().filter(c -> c != '*').count();
  }

  private static String concreteNames(List<StageSpec> entries) {
    List<String> names =
        entries.stream()
            .filter(s -> s != null && s.getName() != null && !isPattern(s.getName()))
            .map(StageSpec::getName)
            .toList();
    if (names.isEmpty()) {
      return "the concrete stages (none are listed yet)";
    }
    return names.stream()
        .limit(10)
        .collect(Collectors.joining(", ", "[", names.size() > 10 ? ", ...]" : "]"));
  }

  /** "pr-7" suggests "pr-*"; a name without '-' suggests itself. */
  private static String suggestion(String requested) {
    int dash = requested.indexOf('-');
    return dash > 0 ? requested.substring(0, dash + 1) + "*" : requested;
  }

  private static String shown(String value) {
    if (value == null) {
      return "(none)";
    }
    // Requested names come from pods' environment; keep control characters out of logs and status.
    String v = value.length() > 70 ? value.substring(0, 70) + "..." : value;
    return "'" + v.replaceAll("\\p{Cntrl}", "?") + "'";
  }
}
