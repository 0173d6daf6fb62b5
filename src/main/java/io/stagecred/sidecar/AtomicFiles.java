package io.stagecred.sidecar;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Reads a directory, a file name and UTF-8 text; writes the text as {@code <dir>/<name>} (mode
 * 0640) by renaming a fully written temp file over it, so concurrent readers see the old or the new
 * content, never a mix.
 */
public final class AtomicFiles {

  private static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");
  private static final FileAttribute<Set<PosixFilePermission>> MODE_ATTRIBUTE =
      PosixFilePermissions.asFileAttribute(MODE);

  // "." + name + "." + 16 hex digits + ".tmp", exactly what prepare creates; the name part cannot
  // start with '.', so no file a caller may write with this class matches.
  private static final Pattern TEMP_NAME = Pattern.compile("\\.[^./][^/]*\\.[0-9a-f]{16}\\.tmp");

  private AtomicFiles() {}

  /** Replaces {@code <dir>/<name>} with {@code content}: {@code prepare(...).commit()}. */
  public static void write(Path dir, String name, String content) throws IOException {
    prepare(dir, name, content).commit();
  }

  /**
   * Writes {@code content} durably to a hidden temp file next to {@code <dir>/<name>}; the target
   * stays untouched until {@link Pending#commit()}.
   *
   * @throws IllegalArgumentException if {@code name} is not a plain, non-hidden file name
   */
  public static Pending prepare(Path dir, String name, String content) throws IOException {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(content, "content");
    checkName(name);
    // Same directory as the target: a rename is only atomic within one filesystem. The leading dot
    // keeps globs such as `cat dir/*` from picking up a half-written file.
    Path temp = dir.resolve("." + name + "." + randomHex() + ".tmp");
    Path target = dir.resolve(name);
    // CREATE_NEW fails rather than follows a symlink or reuses a file someone else placed there.
    try (FileChannel channel = FileChannel.open(temp, Set.of(CREATE_NEW, WRITE), MODE_ATTRIBUTE)) {
      // The creation mode is filtered by the umask; set it again so the group can read it. Not
      // through a symlink, should one have replaced the file since it was created.
      Files.getFileAttributeView(temp, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setPermissions(MODE);
      ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        channel.write(bytes);
      }
      // Without this, a crash after the rename can leave the target empty on ext4/xfs.
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp, e);
      throw e;
    }
    return new Pending(temp, target);
  }

  /**
   * Deletes the temp files {@link #prepare} leaves behind when the process dies before {@link
   * Pending#commit()}; touches nothing else.
   *
   * @return how many files were deleted
   */
  public static int removeLeftovers(Path dir) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (TEMP_NAME.matcher(entry.getFileName().toString()).matches()
            && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
            && Files.deleteIfExists(entry)) {
          removed++;
        }
      }
    }
    return removed;
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
      throw new IllegalArgumentException(
          "not a plain file name: '" + name + "' (expected a name without '/', such as 'config')");
    }
    if (name.startsWith(".")) {
      // Hidden names are reserved for temp files, so removeLeftovers can never delete a target.
      throw new IllegalArgumentException(
          "file name '" + name + "' starts with '.': such names are reserved for temp files");
    }
  }

  private static String randomHex() {
    // Only needs to be unique among concurrent writers; CREATE_NEW catches the impossible clash.
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
  }

  private static void deleteQuietly(Path temp, Exception cause) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      cause.addSuppressed(e);
    }
  }

  /** A fully written temp file waiting to replace {@code target}. */
  public record Pending(Path temp, Path target) {

    public Pending {
      Objects.requireNonNull(temp, "temp");
      Objects.requireNonNull(target, "target");
    }

    /** Atomically renames the temp file over the target, then makes the rename durable. */
    public void commit() throws IOException {
      try {
        Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING);
      } catch (IOException | RuntimeException e) {
        deleteQuietly(temp, e);
        throw e;
      }
      Path dir = target.toAbsolutePath().getParent();
      try (FileChannel channel = FileChannel.open(dir, READ)) {
        channel.force(true);
      } catch (IOException e) {
        // Some filesystems refuse to open a directory for reading. The rename is already visible
        // to readers; only its survival across a power loss is left to the filesystem, which is
        // no reason to report the write as failed.
      }
    }

    /** Deletes the temp file, ignoring failures; the target stays as it was. */
    public void abandon() {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // Nothing useful to do: removeLeftovers deletes it on the next start.
      }
    }
  }
}
