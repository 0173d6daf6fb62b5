package io.stagecred.stage;

import java.util.Objects;

/**
 * One problem in a spec: a JSON-path-like field (e.g. {@code spec.stages[1].roleArn}) and a message
 * that states the problem and the fix. {@link #toString()} reads as one sentence: "field message".
 */
public record Violation(String field, String message) {

  public Violation {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return field + " " + message;
  }
}
