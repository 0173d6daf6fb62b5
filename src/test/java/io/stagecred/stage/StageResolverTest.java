package io.stagecred.stage;

import static io.stagecred.stage.Specs.spec;
import static io.stagecred.stage.Specs.stage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.StageSpec;
import io.stagecred.stage.Resolution.Match;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StageResolverTest {

  /** Patterns chosen so that each rule of specificity decides at least one case. */
  static DeploymentCredentialSpec resolverSpec() {
    DeploymentCredentialSpec spec =
        spec(
            stage("dev"),
            stage("prod"),
            stage("p*"),
            stage("pr-*"),
            stage("pr-*-eu"),
            stage("t-*-a*"),
            stage("t-*a-*"),
            stage("feat-*"),
            stage("feat-*x"));
    spec.setDefaultStage("dev");
    return spec;
  }

  static Stream<Arguments> resolutions() {
    return Stream.of(
        arguments(
            "an exact name wins over a pattern that also matches it", "prod", "prod", Match.EXACT),
        arguments(
            "the pattern with the longest literal prefix wins (pr-* over p*)",
            "pr-42",
            "pr-*",
            Match.PATTERN),
        arguments("a name only the short pattern matches goes to it", "p9", "p*", Match.PATTERN),
        arguments("'*' may match nothing at all", "feat-x", "feat-*x", Match.PATTERN),
        arguments(
            "on equal prefixes the pattern with more literal characters wins",
            "pr-7-eu",
            "pr-*-eu",
            Match.PATTERN),
        arguments(
            "the more literal pattern wins even when declared later",
            "feat-1x",
            "feat-*x",
            Match.PATTERN),
        arguments(
            "a full tie goes to the first declared pattern", "t-a-a-b", "t-*-a*", Match.PATTERN),
        arguments(
            "a name nothing matches falls back to spec.defaultStage",
            "staging",
            "dev",
            Match.DEFAULT),
        arguments(
            "'*' does not let a pattern match a longer prefix it does not have",
            "pre",
            "p*",
            Match.PATTERN));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("resolutions")
  void resolvesTheRequestedStage(String scenario, String requested, String entry, Match match) {
    ResolveResult result = StageResolver.resolve(resolverSpec(), requested);
    assertThat(result.isResolved()).as(result.toString()).isTrue();
    Resolution r = result.orElseThrow();
    assertThat(r.stage().getName()).isEqualTo(entry);
    assertThat(r.match()).isEqualTo(match);
    assertThat(r.requested()).isEqualTo(requested);
    assertThat(result.error()).isEmpty();
  }

  static Stream<Arguments> failures() {
    DeploymentCredentialSpec noDefault = spec(stage("dev"), stage("prod"), stage("qa-*"));
    DeploymentCredentialSpec defaultIsPattern = spec(stage("dev"), stage("qa-*"));
    defaultIsPattern.setDefaultStage("qa-*");
    DeploymentCredentialSpec defaultMissing = spec(stage("dev"));
    defaultMissing.setDefaultStage("staging");
    DeploymentCredentialSpec empty = spec();
    empty.setStages(null);
    return Stream.of(
        arguments(
            "nothing matches and no defaultStage is set",
            noDefault,
            "pr-7",
            "no stage matches 'pr-7' and spec.defaultStage is not set; add a stage or pattern (e.g."
                + " name: \"pr-*\")"),
        arguments(
            "the hint lists the concrete stages to use as default",
            noDefault,
            "pr-7",
            "[dev, prod]"),
        arguments(
            "a defaultStage naming a pattern is not used",
            defaultIsPattern,
            "pr-7",
            "spec.defaultStage 'qa-*' names no concrete stage"),
        arguments(
            "a defaultStage naming no listed stage is reported",
            defaultMissing,
            "pr-7",
            "spec.defaultStage 'staging' names no concrete stage in spec.stages; set"
                + " spec.defaultStage to one of [dev]"),
        arguments(
            "a spec without stages says none are listed", empty, "dev", "none are listed yet"),
        arguments(
            "an upper-case request is not a stage name",
            noDefault,
            "Dev",
            "'Dev' is not a concrete stage name"),
        arguments("a pattern cannot be requested", noDefault, "qa-*", "not a concrete stage name"),
        arguments(
            "a missing request is reported",
            noDefault,
            null,
            "(none) is not a concrete stage name"),
        arguments("control characters in a request are not echoed", noDefault, "a\nb", "'a?b'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failsWithAMessageThatSaysWhatToAdd(
      String scenario, DeploymentCredentialSpec spec, String requested, String fragment) {
    ResolveResult result = StageResolver.resolve(spec, requested);
    assertThat(result.isResolved()).isFalse();
    assertThat(result.resolution()).isEmpty();
    assertThat(result.error()).hasValueSatisfying(e -> assertThat(e).contains(fragment));
  }

  static Stream<Arguments> patternMatches() {
    return Stream.of(
        arguments("a trailing star matches any suffix", "pr-*", "pr-123", true),
        arguments("a trailing star matches the empty suffix", "pr-*", "pr-", true),
        arguments("a leading star matches any prefix", "*-eu", "prod-eu", true),
        arguments("a middle star matches a run with dashes", "pr-*-eu", "pr-1-2-eu", true),
        arguments("a lone star matches everything", "*", "anything-1", true),
        arguments(
            "both tie-break patterns really match the tie case (first)", "t-*-a*", "t-a-a-b", true),
        arguments(
            "both tie-break patterns really match the tie case (second)",
            "t-*a-*",
            "t-a-a-b",
            true),
        arguments("literal parts must match exactly", "pr-*", "pq-1", false),
        arguments("the whole name must match, not a part", "pr-*", "xpr-1", false),
        arguments("a star does not match upper-case letters", "pr-*", "pr-A", false),
        arguments("a star does not match dots or slashes", "pr-*", "pr-a.b", false),
        arguments("regex metacharacters in the literal part are literal", "a.*", "ab", false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("patternMatches")
  void patternsMatchRunsOfTheStageAlphabet(
      String scenario, String pattern, String stage, boolean expected) {
    assertThat(StageResolver.matches(pattern, stage)).isEqualTo(expected);
  }

  @Test
  void aNameWithAStarIsAPattern() {
    assertThat(StageResolver.isPattern("pr-*")).isTrue();
    assertThat(StageResolver.isPattern("prod")).isFalse();
    assertThat(StageResolver.isPattern(null)).isFalse();
  }

  @Test
  void concreteStagesAreTheNonPatternEntriesInDeclaredOrder() {
    assertThat(StageResolver.concreteStages(resolverSpec()))
        .extracting(StageSpec::getName)
        .containsExactly("dev", "prod");
    assertThat(StageResolver.concreteStages(null)).isEmpty();
    DeploymentCredentialSpec withNulls = spec(stage("dev"), null, new StageSpec());
    assertThat(StageResolver.concreteStages(withNulls))
        .extracting(StageSpec::getName)
        .containsExactly("dev");
  }
}
