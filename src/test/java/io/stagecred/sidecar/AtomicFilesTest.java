package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AtomicFilesTest {

  @TempDir Path dir;

  static String mode(Path file) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  Set<String> listing() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "x", "[default]\nregion = eu-west-1\n", "grüße ✓ 日本\n"})
  void writeCreatesTheFileWithTheContentAndMode0640(String content) throws IOException {
    AtomicFiles.write(dir, "config", content);

    assertThat(Files.readString(dir.resolve("config"), StandardCharsets.UTF_8)).isEqualTo(content);
    assertThat(mode(dir.resolve("config"))).isEqualTo("rw-r-----");
    assertThat(listing()).containsExactly("config");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rw-------", "rw-rw-rw-", "rwxr-xr-x", "r--------", "---------"})
  void replacingSetsTheContentAndMode0640WhateverTheOldMode(String oldMode) throws IOException {
    Path target = dir.resolve("credentials");
    Files.writeString(target, "old content that is longer than the new one\n");
    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(oldMode));

    AtomicFiles.write(dir, "credentials", "new\n");

    assertThat(Files.readString(target)).isEqualTo("new\n");
    assertThat(mode(target)).isEqualTo("rw-r-----");
    assertThat(listing()).containsExactly("credentials");
  }

  @Test
  void aCrashBetweenWriteAndRenameLeavesTheOldFileAndOnlyAHiddenTemp() throws IOException {
    Path target = dir.resolve("credentials");
    byte[] old = "[default]\naws_access_key_id = OLD\n".getBytes(StandardCharsets.UTF_8);
    Files.write(target, old);

    // The process "dies" here: prepared, never committed nor abandoned.
    AtomicFiles.Pending pending = AtomicFiles.prepare(dir, "credentials", "new content\n");

    assertThat(Files.readAllBytes(target)).isEqualTo(old);
    assertThat(pending.target()).isEqualTo(target);
    String tempName = pending.temp().getFileName().toString();
    assertThat(tempName).startsWith(".credentials.").endsWith(".tmp");
    assertThat(pending.temp().getParent()).isEqualTo(dir);
    assertThat(listing()).containsExactlyInAnyOrder("credentials", tempName);
    assertThat(Files.readString(pending.temp())).isEqualTo("new content\n");
    assertThat(mode(pending.temp())).isEqualTo("rw-r-----");
  }

  @Test
  void removeLeftoversDeletesExactlyTheTempsOfPrepareAndNothingElse() throws IOException {
    Path target = dir.resolve("credentials");
    byte[] old = "old\n".getBytes(StandardCharsets.UTF_8);
    Files.write(target, old);
    Path first = AtomicFiles.prepare(dir, "credentials", "lost 1").temp();
    Path second = AtomicFiles.prepare(dir, "config", "lost 2").temp();
    // Names that look alike but were not created by prepare.
    List<String> others =
        List.of(
            "config",
            "notes.tmp",
            ".hidden",
            ".config.tmp",
            ".config.0123456789abcdef.tmp.bak",
            "config.0123456789abcdef.tmp",
            ".config.0123456789ABCDEF.tmp",
            "..config.0123456789abcdef.tmp");
    for (String name : others) {
      Files.writeString(dir.resolve(name), name);
    }
    Files.createDirectory(dir.resolve(".dir.0123456789abcdef.tmp"));

    assertThat(AtomicFiles.removeLeftovers(dir)).isEqualTo(2);

    assertThat(first).doesNotExist();
    assertThat(second).doesNotExist();
    assertThat(Files.readAllBytes(target)).isEqualTo(old);
    assertThat(listing())
        .containsExactlyInAnyOrderElementsOf(
            Stream.concat(others.stream(), Stream.of("credentials", ".dir.0123456789abcdef.tmp"))
                .toList());
    assertThat(AtomicFiles.removeLeftovers(dir)).isZero();
  }

  @Test
  void commitReplacesTheTargetAndLeavesNoTemp() throws IOException {
    Files.writeString(dir.resolve("config"), "old\n");

    AtomicFiles.Pending pending = AtomicFiles.prepare(dir, "config", "new\n");
    pending.commit();

    assertThat(Files.readString(dir.resolve("config"))).isEqualTo("new\n");
    assertThat(pending.temp()).doesNotExist();
    assertThat(listing()).containsExactly("config");
  }

  @Test
  void abandonDeletesTheTempAndKeepsTheTarget() throws IOException {
    Files.writeString(dir.resolve("config"), "old\n");

    AtomicFiles.Pending pending = AtomicFiles.prepare(dir, "config", "new\n");
    pending.abandon();
    pending.abandon();

    assertThat(Files.readString(dir.resolve("config"))).isEqualTo("old\n");
    assertThat(listing()).containsExactly("config");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", ".hidden", "a/b", "../config", "/etc/passwd", "x/"})
  void namesThatAreNotPlainVisibleFileNamesAreRejected(String name) throws IOException {
    assertThatThrownBy(() -> AtomicFiles.write(dir, name, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "'");
    assertThatThrownBy(() -> AtomicFiles.prepare(dir, name, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(listing()).isEmpty();
  }

  private static final Pattern HEADER = Pattern.compile("version=(\\d{1,6}) ");

  /** A complete file: a header with the body's byte length and CRC-32, then the body. */
  static String selfChecking(int version) {
    // Lengths from empty to 50 KB so a mix of two versions cannot keep the declared length.
    int[] lengths = {0, 1, 17, 4096, 50_000, 300, 12_345};
    String body = String.valueOf((char) ('a' + version % 26)).repeat(lengths[version % 7]);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return "version="
        + version
        + " length="
        + bytes.length
        + " crc="
        + crc.getValue()
        + "\n"
        + body;
  }

  /** Whether {@code text} is exactly what {@link #selfChecking} produced for its version. */
  static boolean isComplete(String text) {
    Matcher header = HEADER.matcher(text);
    return header.lookingAt() && text.equals(selfChecking(Integer.parseInt(header.group(1))));
  }

  @Test
  void aConcurrentReaderNeverSeesAPartialOrMixedFile() throws Exception {
    int writes = 2000;
    Path target = dir.resolve("credentials");
    AtomicFiles.write(dir, "credentials", selfChecking(0));
    ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    AtomicInteger reads = new AtomicInteger();
    AtomicBoolean writerDone = new AtomicBoolean();
    CountDownLatch readerStarted = new CountDownLatch(1);

    Thread reader =
        new Thread(
            () -> {
              try {
                // One last read after the writer finished, so the final version is checked too.
                boolean last = false;
                while (!last) {
                  last = writerDone.get();
                  String text = Files.readString(target, StandardCharsets.UTF_8);
                  reads.incrementAndGet();
                  readerStarted.countDown();
                  if (!isComplete(text)) {
                    broken.add(text.substring(0, Math.min(80, text.length())));
                  }
                }
              } catch (IOException | RuntimeException e) {
                errors.add(e);
                readerStarted.countDown();
              }
            },
            "reader");
    reader.start();
    readerStarted.await();
    try {
      for (int version = 1; version <= writes; version++) {
        AtomicFiles.write(dir, "credentials", selfChecking(version));
      }
    } finally {
      writerDone.set(true);
      reader.join();
    }

    assertThat(errors).isEmpty();
    assertThat(broken).as("partial or mixed reads out of %d", reads.get()).isEmpty();
    assertThat(reads.get()).isGreaterThan(1);
    assertThat(Files.readString(target)).isEqualTo(selfChecking(writes));
    assertThat(listing()).containsExactly("credentials");
  }
}
