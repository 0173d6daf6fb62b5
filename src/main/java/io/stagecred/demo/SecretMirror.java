package io.stagecred.demo;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.stagecred.operator.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Mirrors managed Secrets to {@code DIR/<namespace>/<secret>/<key>} the way the kubelet updates a
 * mounted Secret volume: every update lands in a fresh hidden timestamped folder, a {@code ..data}
 * symlink is swapped to it with one atomic rename, and each {@code <key>} is a symlink through
 * {@code ..data}. A reader opening {@code <key>} therefore sees either the old or the new file,
 * never a half-written one. Reads Secrets (from an informer or a caller), writes files; never logs
 * a value.
 */
public final class SecretMirror implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(SecretMirror.class);

  static final String DATA = "..data";
  static final String DATA_TMP = "..data_tmp";

  /**
   * The kubelet's folder naming, {@code ..2006_01_02_15_04_05.<fraction>}, here to the nanosecond.
   */
  private static final DateTimeFormatter FOLDER =
      DateTimeFormatter.ofPattern("'..'uuuu_MM_dd_HH_mm_ss.SSSSSSSSS").withZone(ZoneOffset.UTC);

  private static final Pattern FOLDER_NAME =
      Pattern.compile("^\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d{9}$");

  /**
   * Kubernetes names (namespaces, Secrets): DNS-1123 subdomains, so never a path component like
   * "..".
   */
  private static final Pattern OBJECT_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$");

  /**
   * Secret data keys as the API server accepts them; the atomic writer also rejects a leading "..".
   */
  private static final Pattern KEY = Pattern.compile("^[-._a-zA-Z0-9]+$");

  private static final Set<PosixFilePermission> DIR_MODE =
      PosixFilePermissions.fromString("rwxr-xr-x");
  private static final Set<PosixFilePermission> FILE_MODE =
      PosixFilePermissions.fromString("rw-r--r--");

  private final Path root;
  private final Clock clock;
  private final boolean posix;
  private SharedIndexInformer<Secret> informer;

  /** Mirrors into {@code root}, naming update folders after {@code clock}. */
  public SecretMirror(Path root, Clock clock) {
    this.root = root.toAbsolutePath().normalize();
    this.clock = clock;
    this.posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  public SecretMirror(Path root) {
    this(root, Clock.systemUTC());
  }

  /** The mirror's root directory, {@code DIR}. */
  public Path root() {
    return root;
  }

  /** The directory a Secret is mirrored to: {@code DIR/<namespace>/<name>}. */
  public Path directory(String namespace, String name) {
    return root.resolve(checkName(namespace)).resolve(checkName(name));
  }

  /**
   * Makes {@code DIR/<namespace>/<name>} hold exactly {@code data}, one file per key, swapped in
   * atomically. Does nothing when the directory already holds exactly this data (as the kubelet).
   *
   * @throws IllegalArgumentException for a name or key that cannot be a Secret's
   * @throws UncheckedIOException when the filesystem refuses
   */
  public synchronized void write(String namespace, String name, Map<String, byte[]> data) {
    Map<String, byte[]> payload = new TreeMap<>(data);
    payload.keySet().forEach(SecretMirror::checkKey);
    Path dir = directory(namespace, name);
    try {
      createDirectories(dir);
      Path data0 = dir.resolve(DATA);
      String previous = currentFolder(data0);
      if (previous != null && holds(dir.resolve(previous), payload)) {
        return;
      }

      // 1. every key into a new hidden folder that no reader can see yet
      Path folder = newFolder(dir);
      for (Map.Entry<String, byte[]> entry : payload.entrySet()) {
        Path file = folder.resolve(entry.getKey());
        Files.write(file, entry.getValue());
        setMode(file, FILE_MODE);
      }

      // 2. ..data_tmp -> new folder, renamed over ..data: the single atomic step readers observe
      Path tmp = dir.resolve(DATA_TMP);
      Files.deleteIfExists(tmp);
      Files.createSymbolicLink(tmp, folder.getFileName());
      Files.move(tmp, data0, StandardCopyOption.ATOMIC_MOVE);

      // 3. user-visible <key> -> ..data/<key>; links of keys that disappeared go away
      for (String key : payload.keySet()) {
        Path link = dir.resolve(key);
        if (!Files.isSymbolicLink(link)) {
          Files.deleteIfExists(link);
          Files.createSymbolicLink(link, Path.of(DATA, key));
        }
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          String entryName = entry.getFileName().toString();
          if (!entryName.startsWith("..") && !payload.containsKey(entryName)) {
            Files.deleteIfExists(entry);
          }
        }
      }

      // 4. the previous folder (and any left by an interrupted update) is no longer reachable
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          String entryName = entry.getFileName().toString();
          if (FOLDER_NAME.matcher(entryName).matches()
              && !entry.getFileName().equals(folder.getFileName())) {
            deleteRecursively(entry);
          }
        }
      }
      LOG.debugf("mirrored %s/%s to %s (keys %s)", namespace, name, dir, payload.keySet());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "could not mirror Secret " + namespace + "/" + name + " to " + dir, e);
    }
  }

  /** Removes {@code DIR/<namespace>/<name>}, and the namespace directory once it is empty. */
  public synchronized void remove(String namespace, String name) {
    Path dir = directory(namespace, name);
    try {
      deleteRecursively(dir);
      Path parent = dir.getParent();
      if (Files.isDirectory(parent)) {
        try (Stream<Path> rest = Files.list(parent)) {
          if (rest.findAny().isEmpty()) {
            Files.deleteIfExists(parent);
          }
        }
      }
      LOG.debugf("removed the mirror of Secret %s/%s", namespace, name);
    } catch (IOException e) {
      throw new UncheckedIOException("could not remove the mirror of " + namespace + "/" + name, e);
    }
  }

  /**
   * Starts an informer on Secrets labelled {@code app.kubernetes.io/managed-by=stagecred} in every
   * namespace and mirrors each add, update and delete. Returns once the initial list is mirrored.
   */
  public synchronized SecretMirror start(KubernetesClient client) {
    if (informer != null) {
      throw new IllegalStateException("the Secret mirror is already running");
    }
    informer =
        client
            .secrets()
            .inAnyNamespace()
            .withLabel(Names.MANAGED_BY, Names.MANAGED_BY_VALUE)
            .inform(new Handler());
    LOG.infof("mirroring Secrets labelled %s to %s", Names.MANAGED_SELECTOR, root);
    return this;
  }

  /** Stops the informer, if started; the mirrored files stay. */
  @Override
  public synchronized void close() {
    if (informer != null) {
      informer.close();
      informer = null;
    }
  }

  /**
   * The Secret's data as bytes: {@code data} decoded, overlaid by {@code stringData} as the API
   * server does.
   */
  static Map<String, byte[]> contents(Secret secret) {
    Map<String, byte[]> out = new TreeMap<>();
    if (secret.getData() != null) {
      secret
          .getData()
          .forEach(
              (k, v) -> out.put(k, v == null ? new byte[0] : Base64.getMimeDecoder().decode(v)));
    }
    if (secret.getStringData() != null) {
      secret
          .getStringData()
          .forEach(
              (k, v) -> out.put(k, v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8)));
    }
    return out;
  }

  private final class Handler implements ResourceEventHandler<Secret> {
    @Override
    public void onAdd(Secret secret) {
      mirror(secret);
    }

    @Override
    public void onUpdate(Secret oldSecret, Secret newSecret) {
      mirror(newSecret);
    }

    @Override
    public void onDelete(Secret secret, boolean finalStateUnknown) {
      String namespace = secret.getMetadata().getNamespace();
      String name = secret.getMetadata().getName();
      try {
        remove(namespace, name);
      } catch (RuntimeException e) {
        LOG.warnf(
            "could not remove the mirror of Secret %s/%s: %s", namespace, name, e.getMessage());
      }
    }

    private void mirror(Secret secret) {
      String namespace = secret.getMetadata().getNamespace();
      String name = secret.getMetadata().getName();
      try {
        write(namespace, name, contents(secret));
      } catch (RuntimeException e) {
        // Messages name paths and keys only; contents never reach an exception or a log line.
        LOG.warnf("could not mirror Secret %s/%s: %s", namespace, name, e.getMessage());
      }
    }
  }

  private Path newFolder(Path dir) throws IOException {
    Instant at = clock.instant();
    while (true) {
      Path folder = dir.resolve(FOLDER.format(at));
      try {
        Files.createDirectory(folder);
        setMode(folder, DIR_MODE);
        return folder;
      } catch (FileAlreadyExistsException e) {
        at = at.plusNanos(1); // two updates within one clock tick
      }
    }
  }

  /** The folder {@code ..data} points to, or null before the first update. */
  private static String currentFolder(Path data) throws IOException {
    if (!Files.isSymbolicLink(data)) {
      return null;
    }
    String target = Files.readSymbolicLink(data).toString();
    return FOLDER_NAME.matcher(target).matches() ? target : null;
  }

  /** Whether {@code folder} holds exactly {@code payload}. */
  private static boolean holds(Path folder, Map<String, byte[]> payload) throws IOException {
    Set<String> present = new HashSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
      for (Path entry : entries) {
        present.add(entry.getFileName().toString());
      }
    } catch (NoSuchFileException e) {
      return false;
    }
    if (!present.equals(payload.keySet())) {
      return false;
    }
    for (Map.Entry<String, byte[]> entry : payload.entrySet()) {
      if (!Arrays.equals(Files.readAllBytes(folder.resolve(entry.getKey())), entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  private void createDirectories(Path dir) throws IOException {
    for (Path d : new Path[] {dir.getParent().getParent(), dir.getParent(), dir}) {
      if (!Files.isDirectory(d)) {
        Files.createDirectories(d);
        setMode(d, DIR_MODE);
      }
    }
  }

  private void setMode(Path path, Set<PosixFilePermission> mode) throws IOException {
    if (posix) {
      Files.setPosixFilePermissions(path, mode); // explicit: the umask must not decide
    }
  }

  /** Deletes a tree without following symlinks (a link is removed, never its target). */
  private static void deleteRecursively(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(path)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static String checkName(String name) {
    if (name == null || name.length() > 253 || !OBJECT_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a Kubernetes object name: '" + name + "'");
    }
    return name;
  }

  private static void checkKey(String key) {
    if (key == null
        || key.length() > 253
        || !KEY.matcher(key).matches()
        || key.startsWith("..")
        || key.equals(".")) {
      throw new IllegalArgumentException("not a valid Secret key: '" + key + "'");
    }
  }
}
