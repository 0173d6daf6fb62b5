package io.stagecred.renewal;

import io.stagecred.api.Reason;
import java.util.Objects;

/** What one {@link StageCheck} found: the check, its reason and a message for people. */
public record Finding(StageCheck check, Reason reason, String message) {

  public Finding {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(message, "message");
  }
}
