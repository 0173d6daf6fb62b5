package io.stagecred.emulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps the credentials the emulator issued (access key id to session) and every secret value it
 * issued or received, so tests can scan their logs for them.
 */
final class CredentialStore {
  private final Map<String, IssuedSession> sessions = new ConcurrentHashMap<>();
  private final Set<String> secrets = ConcurrentHashMap.newKeySet();

  IssuedSession issue(
      RoleArn role,
      String sessionName,
      Instant expiration,
      Map<String, String> tags,
      List<String> transitiveTagKeys,
      String sourceIdentity) {
    while (true) {
      IssuedSession s =
          new IssuedSession(
              Ids.accessKeyId(),
              Ids.secretAccessKey(),
              Ids.sessionToken(),
              expiration,
              role.assumedRoleArn(sessionName),
              role.arn(),
              role.account(),
              sessionName,
              Ids.roleId(role.arn()),
              tags,
              transitiveTagKeys,
              sourceIdentity);
      // 36^16 ids make a clash practically impossible; the loop just keeps the map honest
      if (sessions.putIfAbsent(s.accessKeyId(), s) == null) {
        secrets.add(s.secretAccessKey());
        secrets.add(s.sessionToken());
        return s;
      }
    }
  }

  Optional<IssuedSession> find(String accessKeyId) {
    return Optional.ofNullable(accessKeyId).map(sessions::get);
  }

  /** Remembers a token or key the emulator was sent, whether or not it turned out valid. */
  void noteSecret(String value) {
    if (value != null && !value.isBlank()) {
      secrets.add(value);
    }
  }

  Set<String> secrets() {
    return Set.copyOf(secrets);
  }
}
