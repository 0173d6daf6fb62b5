package io.stagecred.operator;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * A stage's Secret name belongs to a Secret this resource does not own (found when writing: a
 * Secret the informer cannot see, made by someone else). Never overwritten; the stage reports the
 * conflict.
 */
final class SecretTakenException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Secret taken;

  SecretTakenException(Secret taken) {
    super("Secret " + taken.getMetadata().getName() + " belongs to someone else");
    this.taken = taken;
  }

  /** The Secret that holds the name (never logged: it may hold anything). */
  Secret taken() {
    return taken;
  }
}
