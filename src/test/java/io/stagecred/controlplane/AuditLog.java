package io.stagecred.controlplane;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The API server's audit log (JSON lines, Metadata level): who did what to which object. */
public record AuditLog(List<Entry> entries) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request: its user, verb, object, the HTTP code of the answer and when it came. */
  public record Entry(
      String user,
      String verb,
      String apiGroup,
      String resource,
      String subresource,
      String namespace,
      String name,
      int code,
      Instant received) {

    /** {@code resource} or {@code resource/subresource}, as RBAC rules name it. */
    public String rbacResource() {
      return subresource.isEmpty() ? resource : resource + "/" + subresource;
    }
  }

  static AuditLog read(Path file) {
    List<Entry> entries = new ArrayList<>();
    try {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            entries.add(entry(JSON.readTree(line)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new AuditLog(List.copyOf(entries));
  }

  /** The requests made by {@code user}. */
  public List<Entry> by(String user) {
    return entries.stream().filter(e -> user.equals(e.user())).toList();
  }

  private static Entry entry(JsonNode event) {
    JsonNode ref = event.path("objectRef");
    return new Entry(
        event.path("user").path("username").asText(""),
        event.path("verb").asText(""),
        ref.path("apiGroup").asText(""),
        ref.path("resource").asText(""),
        ref.path("subresource").asText(""),
        ref.path("namespace").asText(""),
        ref.path("name").asText(""),
        event.path("responseStatus").path("code").asInt(0),
        Instant.parse(event.path("requestReceivedTimestamp").asText("1970-01-01T00:00:00Z")));
  }
}
