package io.stagecred.demo;

import java.time.Instant;

/** Produces the token the embedded API server returns for a TokenRequest. */
@FunctionalInterface
public interface TokenMinter {
  String mint(String subject, String audience, Instant issuedAt, Instant expiresAt);
}
