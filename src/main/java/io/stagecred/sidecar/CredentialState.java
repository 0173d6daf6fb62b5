package io.stagecred.sidecar;

import io.stagecred.sts.IssuedCredentials;
import java.time.Instant;
import java.util.Optional;

/**
 * Holds the credentials the sidecar last wrote; read by the loopback endpoint and the readiness
 * check, replaced by the refresher. Thread-safe: one volatile snapshot.
 */
public final class CredentialState {

  /**
   * One issued set of credentials.
   *
   * @param endpointBody the container-credentials JSON the endpoint serves (holds secrets)
   */
  public record Current(
      IssuedCredentials credentials, String endpointBody, Instant issuedAt, Instant renewalTime) {

    public Instant expiration() {
      return credentials.expiration();
    }

    @Override
    public String toString() {
      // The body holds the secret key and session token; IssuedCredentials redacts itself.
      return "Current[credentials="
          + credentials
          + ", issuedAt="
          + issuedAt
          + ", renewalTime="
          + renewalTime
          + "]";
    }
  }

  private volatile Current current;

  /** The last written credentials, expired or not. */
  public Optional<Current> current() {
    return Optional.ofNullable(current);
  }

  /** Whether credentials are held that are still valid at {@code now}. */
  public boolean validAt(Instant now) {
    Current c = current;
    return c != null && c.expiration().isAfter(now);
  }

  void set(Current next) {
    current = next;
  }
}
