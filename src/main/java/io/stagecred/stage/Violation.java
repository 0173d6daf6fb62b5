package io.stagecred.stage;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One problem in a spec: a JSON-path-like field (e.g. {@code spec.stages[1].roleArn}), a message
 * that states the problem and the fix, and the index of the one stage entry it concerns (null: it
 * concerns the whole resource). {@link #toString()} reads as one sentence: "field message".
 */
public record Violation(String field, String message, Integer stageIndex) {

  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /** A violation that concerns the whole resource. */
  public Violation(String field, String message) {
    this(field, message, null);
  }

  /** This violation, as concerning only the stage entry at {@code index}. */
  public Violation ofStage(int index) {
    return new Violation(field, message, index);
  }

  /** The violations as one text, "; " between them. */
  public static String joined(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
  }

  /** Whether this violation stops every stage, not just one. */
  public boolean resourceWide() {
    return stageIndex == null;
  }

  @Override
  public String toString() {
    return field + " " + message;
  }
}
