package io.stagecred.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.stagecred.operator.Names;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mirror behaves like the kubelet's atomic writer for mounted Secret volumes. */
@EnableKubernetesMockClient(crud = true)
class SecretMirrorTest {

  static KubernetesClient client;

  @TempDir Path root;

  private static Map<String, byte[]> data(String... keyValues) {
    Map<String, byte[]> out = new java.util.TreeMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      out.put(keyValues[i], keyValues[i + 1].getBytes(UTF_8));
    }
    return out;
  }

  private static String target(Path link) throws Exception {
    return Files.readSymbolicLink(link).toString();
  }

  @Test
  void firstWriteCreatesTheDataLinkKeyLinksAndContent() throws Exception {
    SecretMirror mirror = new SecretMirror(root);

    mirror.write("ci", "orders-dev", data("credentials", "[dev]\n", "config", "[profile dev]\n"));

    Path dir = root.resolve("ci/orders-dev");
    Path data = dir.resolve("..data");
    assertThat(data).isSymbolicLink();
    assertThat(target(data)).matches("\\.\\.\\d{4}_\\d{2}_\\d{2}_\\d{2}_\\d{2}_\\d{2}\\.\\d{9}");
    assertThat(dir.resolve("credentials")).isSymbolicLink();
    assertThat(target(dir.resolve("credentials"))).isEqualTo("..data/credentials");
    assertThat(dir.resolve("credentials")).hasContent("[dev]\n");
    assertThat(dir.resolve("config")).hasContent("[profile dev]\n");
    assertThat(dir.resolve("..data_tmp")).doesNotExist();

    Path folder = dir.resolve(target(data));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
        .isEqualTo("rwxr-xr-x");
    assertThat(
            PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("config"))))
        .isEqualTo("rw-r--r--");
  }

  @Test
  void secondWriteSwapsTheFolderUpdatesContentAndDropsRemovedKeys() throws Exception {
    SecretMirror mirror = new SecretMirror(root);
    Path dir = root.resolve("ci/orders-dev");
    mirror.write("ci", "orders-dev", data("credentials", "first", "AWS_DEV_SESSION_TOKEN", "t1"));
    String first = target(dir.resolve("..data"));

    mirror.write("ci", "orders-dev", data("credentials", "second"));

    String second = target(dir.resolve("..data"));
    assertThat(second).isNotEqualTo(first);
    assertThat(dir.resolve(first)).doesNotExist();
    assertThat(dir.resolve("credentials")).hasContent("second");
    assertThat(Files.exists(dir.resolve("AWS_DEV_SESSION_TOKEN"), LinkOption.NOFOLLOW_LINKS))
        .isFalse();
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("..data", second, "credentials");
    }
  }

  @Test
  void writingTheSameDataAgainChangesNothing() throws Exception {
    SecretMirror mirror = new SecretMirror(root);
    Path data = root.resolve("ci/orders-dev/..data");
    mirror.write("ci", "orders-dev", data("credentials", "same"));
    String first = target(data);

    mirror.write("ci", "orders-dev", data("credentials", "same"));

    assertThat(target(data)).isEqualTo(first);
  }

  @Test
  void updatesWithinOneClockTickStillGetTheirOwnFolder() throws Exception {
    Clock frozen = Clock.fixed(Instant.parse("2025-01-02T03:04:05.123456789Z"), ZoneOffset.UTC);
    SecretMirror mirror = new SecretMirror(root, frozen);
    Path dir = root.resolve("ci/orders-dev");

    mirror.write("ci", "orders-dev", data("credentials", "one"));
    assertThat(target(dir.resolve("..data"))).isEqualTo("..2025_01_02_03_04_05.123456789");
    mirror.write("ci", "orders-dev", data("credentials", "two"));

    assertThat(dir.resolve("credentials")).hasContent("two");
    assertThat(target(dir.resolve("..data"))).isNotEqualTo("..2025_01_02_03_04_05.123456789");
  }

  @Test
  void readersFollowingAKeyNeverSeeATornFile() throws Exception {
    SecretMirror mirror = new SecretMirror(root);
    int size = 256 * 1024;
    String a = "A".repeat(size);
    String b = "B".repeat(size);
    mirror.write("ci", "orders-dev", data("credentials", a));
    Path key = root.resolve("ci/orders-dev/credentials");

    AtomicReference<String> torn = new AtomicReference<>();
    AtomicInteger reads = new AtomicInteger();
    Thread writer =
        new Thread(
            () -> {
              for (int i = 0; i < 200; i++) {
                mirror.write("ci", "orders-dev", data("credentials", i % 2 == 0 ? b : a));
              }
            });
    writer.start();
    while (writer.isAlive() || reads.get() == 0) {
      try {
        byte[] content = Files.readAllBytes(key);
        reads.incrementAndGet();
        String text = new String(content, UTF_8);
        if (!(text.equals(a) || text.equals(b))) {
          torn.set("read " + content.length + " bytes of mixed or partial content");
          break;
        }
      } catch (java.nio.file.NoSuchFileException e) {
        // As with a kubelet's atomic writer, a reader that resolved ..data just before the swap can
        // find the old folder already deleted; it reads again. What it must never see is a torn
        // file.
        continue;
      } catch (java.io.IOException e) {
        torn.set("read failed: " + e);
        break;
      }
    }
    writer.join();

    assertThat(torn.get()).isNull();
    assertThat(reads.get()).isPositive();
  }

  @Test
  void removeDeletesTheSecretsFolderOnly() throws Exception {
    SecretMirror mirror = new SecretMirror(root);
    mirror.write("ci", "orders-dev", data("credentials", "dev"));
    mirror.write("ci", "orders-prod", data("credentials", "prod"));

    mirror.remove("ci", "orders-dev");

    assertThat(root.resolve("ci/orders-dev")).doesNotExist();
    assertThat(root.resolve("ci/orders-prod/credentials")).hasContent("prod");

    mirror.remove("ci", "orders-prod");
    assertThat(root.resolve("ci")).doesNotExist();
    mirror.remove("ci", "never-written"); // nothing to do, no error
  }

  @Test
  void namesAndKeysThatCouldEscapeTheDirectoryAreRefused() {
    SecretMirror mirror = new SecretMirror(root);

    assertThatThrownBy(() -> mirror.write("..", "x", data("k", "v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mirror.write("ci", "a/b", data("k", "v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mirror.write("ci", "x", data("../k", "v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> mirror.write("ci", "x", data("..data", "v")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void contentsDecodeDataAndOverlayStringData() {
    Secret secret =
        new SecretBuilder()
            .addToData("a", Base64.getEncoder().encodeToString("from-data".getBytes(UTF_8)))
            .addToData("b", Base64.getEncoder().encodeToString("old".getBytes(UTF_8)))
            .addToStringData("b", "new")
            .build();

    Map<String, byte[]> contents = SecretMirror.contents(secret);

    assertThat(new String(contents.get("a"), UTF_8)).isEqualTo("from-data");
    assertThat(new String(contents.get("b"), UTF_8)).isEqualTo("new");
  }

  @Test
  void theInformerMirrorsManagedSecretsAddedUpdatedAndDeleted() {
    Path dir = root.resolve("ci/orders-dev");
    SecretMirror mirror = new SecretMirror(root).start(client);
    try (mirror) {
      client.secrets().inNamespace("ci").resource(secret("orders-dev", "v1", true)).create();
      client.secrets().inNamespace("ci").resource(secret("unrelated", "x", false)).create();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(dir.resolve("credentials")).hasContent("v1"));

      client.secrets().inNamespace("ci").resource(secret("orders-dev", "v2", true)).update();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(dir.resolve("credentials")).hasContent("v2"));

      client.secrets().inNamespace("ci").withName("orders-dev").delete();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(dir).doesNotExist());
      assertThat(root.resolve("ci/unrelated")).doesNotExist();
    }
  }

  private static Secret secret(String name, String credentials, boolean managed) {
    SecretBuilder builder =
        new SecretBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace("ci")
            .endMetadata()
            .addToData(
                "credentials", Base64.getEncoder().encodeToString(credentials.getBytes(UTF_8)));
    if (managed) {
      builder.editMetadata().addToLabels(Names.MANAGED_BY, Names.MANAGED_BY_VALUE).endMetadata();
    }
    return builder.build();
  }
}
