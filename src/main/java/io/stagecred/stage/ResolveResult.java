package io.stagecred.stage;

import java.util.Optional;

/** Either a {@link Resolution} or an error message that says what to add to the spec. */
public final class ResolveResult {

  private final Resolution resolution;
  private final String error;

  private ResolveResult(Resolution resolution, String error) {
    this.resolution = resolution;
    this.error = error;
  }

  static ResolveResult resolved(Resolution resolution) {
    return new ResolveResult(resolution, null);
  }

  static ResolveResult failed(String error) {
    return new ResolveResult(null, error);
  }

  public boolean isResolved() {
    return resolution != null;
  }

  public Optional<Resolution> resolution() {
    return Optional.ofNullable(resolution);
  }

  public Optional<String> error() {
    return Optional.ofNullable(error);
  }

  /** The resolution, or an {@link IllegalStateException} carrying the error message. */
  public Resolution orElseThrow() {
    if (resolution == null) {
      throw new IllegalStateException(error);
    }
    return resolution;
  }

  @Override
  public String toString() {
    return resolution != null ? "Resolved[" + resolution + "]" : "Failed[" + error + "]";
  }
}
