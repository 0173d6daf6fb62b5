package io.stagecred.identity;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a projected web-identity token file (EKS IRSA's AWS_WEB_IDENTITY_TOKEN_FILE) on every call,
 * because the kubelet rotates it; failures name the file and the fix, never the token.
 *
 * @param file the token file, empty when the variable is not set
 * @param whose who the token belongs to in messages, e.g. "the operator's" or "the pod's"
 * @param fix what to do when the file is not set or unreadable
 */
public record TokenFile(Optional<Path> file, String whose, String fix) {

  /** The current token; throws {@link IdentityUnavailableException} with a safe message. */
  public String read() {
    Path path =
        file.orElseThrow(
            () ->
                new IdentityUnavailableException(
                    whose
                        + " web-identity token is not configured: AWS_WEB_IDENTITY_TOKEN_FILE is"
                        + " not set. Fix: "
                        + fix));
    try {
      String token = Files.readString(path, StandardCharsets.UTF_8).trim();
      if (token.isEmpty()) {
        throw new IdentityUnavailableException(whose + " token file " + path + " is empty");
      }
      return token;
    } catch (IOException e) {
      throw new IdentityUnavailableException(
          "cannot read "
              + whose
              + " token file "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + "). Fix: "
              + fix);
    }
  }
}
