package io.stagecred.demo;

import io.fabric8.kubernetes.api.model.Condition;
import io.stagecred.api.DeploymentCredential;
import io.stagecred.api.DeploymentCredentialSpec;
import io.stagecred.api.DeploymentCredentialStatus;
import io.stagecred.api.StageSpec;
import io.stagecred.api.StageStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Renders the demo's live table of stages from DeploymentCredentials and their status: one row per
 * concrete stage with its Secret, role, time to expiry and to the next renewal. Pure: reads the
 * resources and a point in time, returns text. Status never holds credential material, and neither
 * does the table.
 */
public final class StageTable {

  static final List<String> HEADERS =
      List.of(
          "NAMESPACE",
          "NAME",
          "STAGE",
          "READY",
          "SECRET",
          "ROLE",
          "EXPIRES IN",
          "NEXT RENEWAL IN",
          "REASON");

  static final String PENDING = "pending";
  private static final String NONE = "-";

  /** One line of the table, as displayed. */
  public record Row(
      String namespace,
      String name,
      String stage,
      String ready,
      String secret,
      String role,
      String expiresIn,
      String nextRenewalIn,
      String reason) {

    List<String> cells() {
      return List.of(namespace, name, stage, ready, secret, role, expiresIn, nextRenewalIn, reason);
    }
  }

  private StageTable() {}

  /** The table as text: a header line and one line per stage, columns padded to a fixed width. */
  public static String render(List<DeploymentCredential> resources, Instant now) {
    List<List<String>> lines = new ArrayList<>();
    lines.add(HEADERS);
    rows(resources, now).forEach(r -> lines.add(r.cells()));
    int[] widths = new int[HEADERS.size()];
    for (List<String> line : lines) {
      for (int i = 0; i < widths.length; i++) {
        widths[i] = Math.max(widths[i], line.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> line : lines) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < widths.length; i++) {
        text.append(line.get(i));
        if (i < widths.length - 1) {
          text.append(" ".repeat(widths[i] - line.get(i).length() + 2));
        }
      }
      out.append(text.toString().stripTrailing()).append('\n');
    }
    return out.toString();
  }

  /**
   * The rows, sorted by namespace, name and stage. Stages come from {@code status.stages}; concrete
   * stages of the spec that status does not list yet (or all of them, before the first status) are
   * shown as pending.
   */
  public static List<Row> rows(List<DeploymentCredential> resources, Instant now) {
    List<Row> rows = new ArrayList<>();
    for (DeploymentCredential resource : resources) {
      rows.addAll(rowsOf(resource, now));
    }
    rows.sort(
        Comparator.comparing(Row::namespace).thenComparing(Row::name).thenComparing(Row::stage));
    return rows;
  }

  private static List<Row> rowsOf(DeploymentCredential resource, Instant now) {
    String namespace = Objects.requireNonNullElse(resource.getMetadata().getNamespace(), NONE);
    String name = Objects.requireNonNullElse(resource.getMetadata().getName(), NONE);
    DeploymentCredentialStatus status = resource.getStatus();
    String readyReason =
        status == null ? null : readyCondition(status).map(Condition::getReason).orElse(null);

    Map<String, Row> byStage = new LinkedHashMap<>();
    if (status != null && status.getStages() != null) {
      for (StageStatus stage : status.getStages()) {
        if (stage == null || stage.getName() == null) {
          continue;
        }
        byStage.put(
            stage.getName(),
            new Row(
                namespace,
                name,
                stage.getName(),
                Boolean.TRUE.equals(stage.getReady()) ? "yes" : "no",
                orNone(stage.getSecretName()),
                orNone(stage.getRoleArn()),
                until(stage.getExpiration(), now, "expired"),
                until(stage.getRenewalTime(), now, "due"),
                firstNonBlank(stage.getReason(), readyReason, NONE)));
      }
    }
    for (StageSpec stage : concreteStages(resource.getSpec())) {
      byStage.putIfAbsent(
          stage.getName(),
          new Row(
              namespace,
              name,
              stage.getName(),
              PENDING,
              NONE,
              orNone(stage.getRoleArn()),
              NONE,
              NONE,
              firstNonBlank(readyReason, "Pending")));
    }
    if (byStage.isEmpty()) {
      byStage.put(
          NONE,
          new Row(
              namespace,
              name,
              NONE,
              PENDING,
              NONE,
              NONE,
              NONE,
              NONE,
              firstNonBlank(readyReason, "Pending")));
    }
    return new ArrayList<>(byStage.values());
  }

  private static List<StageSpec> concreteStages(DeploymentCredentialSpec spec) {
    if (spec == null || spec.getStages() == null) {
      return List.of();
    }
    return spec.getStages().stream()
        .filter(s -> s != null && s.getName() != null && !s.getName().contains("*"))
        .toList();
  }

  private static Optional<Condition> readyCondition(DeploymentCredentialStatus status) {
    if (status.getConditions() == null) {
      return Optional.empty();
    }
    return status.getConditions().stream()
        .filter(c -> c != null && "Ready".equals(c.getType()))
        .findFirst();
  }

  /** Time from {@code now} to an RFC 3339 instant, or {@code past} once it has passed. */
  static String until(String instant, Instant now, String past) {
    if (instant == null || instant.isBlank()) {
      return NONE;
    }
    Instant at;
    try {
      at = Instant.parse(instant);
    } catch (DateTimeParseException e) {
      return "?";
    }
    Duration left = Duration.between(now, at);
    return left.isNegative() || left.isZero() ? past : duration(left);
  }

  /** A compact duration: {@code 1h05m}, {@code 12m30s}, {@code 45s}; days above 48 hours. */
  static String duration(Duration d) {
    long seconds = d.getSeconds();
    if (seconds >= 48 * 3600) {
      return String.format("%dd%02dh", seconds / 86400, seconds % 86400 / 3600);
    }
    if (seconds >= 3600) {
      return String.format("%dh%02dm", seconds / 3600, seconds % 3600 / 60);
    }
    if (seconds >= 60) {
      return String.format("%dm%02ds", seconds / 60, seconds % 60);
    }
    return seconds + "s";
  }

  private static String orNone(String value) {
    return value == null || value.isBlank() ? NONE : value;
  }

  private static String firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return NONE;
  }
}
