package io.stagecred.sidecar;

import io.stagecred.render.CredentialRenderer;
import io.stagecred.render.RenderInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes the sidecar's files ({@code credentials}, {@code config}, {@code credential-process.json})
 * into the output folder, each replaced atomically with mode 0640.
 */
final class OutputFolder implements Refresher.Output {

  private final Path dir;

  OutputFolder(Path dir) {
    this.dir = dir;
  }

  /** Creates the folder when missing and removes temporary files a killed process left behind. */
  int prepare() throws IOException {
    Files.createDirectories(dir);
    return AtomicFiles.removeLeftovers(dir);
  }

  @Override
  public void write(RenderInput input) throws IOException {
    for (Map.Entry<String, String> file : CredentialRenderer.sidecarFiles(input).entrySet()) {
      AtomicFiles.write(dir, file.getKey(), file.getValue());
    }
  }
}
