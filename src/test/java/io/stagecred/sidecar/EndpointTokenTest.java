package io.stagecred.sidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTokenTest {

  @TempDir Path dir;

  @Test
  void aMissingTokenIsGeneratedPersistedWithMode0640WithoutNewlineAndReused() throws IOException {
    Path file = dir.resolve("run/stagecred/endpoint-token");

    String token = EndpointToken.loadOrCreate(file);

    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(Base64.getUrlDecoder().decode(token)).hasSize(32);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(token);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r-----");
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
    assertThat(EndpointToken.loadOrCreate(file)).isEqualTo(token);
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(token);
  }

  @Test
  void twoGeneratedTokensDiffer() throws IOException {
    assertThat(EndpointToken.loadOrCreate(dir.resolve("a")))
        .isNotEqualTo(EndpointToken.loadOrCreate(dir.resolve("b")));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"given-token", "given-token\n", "  given-token \r\n", "\tgiven-token\n\n"})
  void anExistingTokenIsUsedWithoutSurroundingWhitespaceAndLeftAsItIs(String content)
      throws IOException {
    Path file = dir.resolve("endpoint-token");
    Files.writeString(file, content);

    assertThat(EndpointToken.loadOrCreate(file)).isEqualTo("given-token");
    assertThat(Files.readString(file)).isEqualTo(content);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", " \t\r\n "})
  void anEmptyTokenFileIsRejectedNamingTheFileAndTheFix(String content) throws IOException {
    Path file = dir.resolve("endpoint-token");
    Files.writeString(file, content);

    assertThatThrownBy(() -> EndpointToken.loadOrCreate(file))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("write a non-empty token")
        .hasMessageContaining("delete it");
    assertThat(Files.readString(file)).isEqualTo(content);
  }

  static Stream<Arguments> headers() {
    return Stream.of(
        arguments("s3cr3t-token", "s3cr3t-token", true),
        arguments("s3cr3t-token", " s3cr3t-token\r\n", true),
        arguments("s3cr3t-token", "s3cr3t-tokem", false),
        arguments("s3cr3t-token", "s3cr3t-toke", false),
        arguments("s3cr3t-token", "s3cr3t-token2", false),
        arguments("s3cr3t-token", "S3CR3T-TOKEN", false),
        arguments("s3cr3t-token", "Bearer s3cr3t-token", false),
        arguments("s3cr3t-token", "", false),
        arguments("s3cr3t-token", "   ", false),
        arguments("s3cr3t-token", null, false),
        arguments(null, "s3cr3t-token", false),
        arguments(null, null, false),
        arguments("", "", false),
        arguments("ünïcode", "ünïcode", true));
  }

  @ParameterizedTest
  @MethodSource("headers")
  void matchesComparesTheStrippedHeaderWithTheToken(
      String expected, String header, boolean matches) {
    assertThat(EndpointToken.matches(expected, header)).isEqualTo(matches);
  }
}
