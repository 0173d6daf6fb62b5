package io.stagecred.stage;

import io.stagecred.api.StageSpec;
import java.util.Objects;

/**
 * A requested concrete stage resolved to an entry of spec.stages, and how it matched. Profiles are
 * named after {@link #requested()}, whatever entry served it.
 */
public record Resolution(String requested, StageSpec stage, Match match) {

  /** How the entry was chosen, in the order the resolver tries them. */
  public enum Match {
    /** An entry with exactly the requested name. */
    EXACT,
    /** The matching pattern with the longest literal prefix. */
    PATTERN,
    /** Nothing matched; spec.defaultStage named the entry. */
    DEFAULT
  }

  public Resolution {
    Objects.requireNonNull(requested, "requested");
    Objects.requireNonNull(stage, "stage");
    Objects.requireNonNull(match, "match");
  }
}
