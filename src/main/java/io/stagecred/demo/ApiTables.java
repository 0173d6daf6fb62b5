package io.stagecred.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Server-side printing for {@code kubectl get}: reads a list or an object of the custom resource,
 * of Secrets or of Events as the mock stores it, and writes the meta.k8s.io/v1 Table kube-apiserver
 * would answer: the custom resource's columns are the CRD's additionalPrinterColumns, Secrets and
 * Events get the columns of kube-apiserver's own printers. A Secret's table holds counts, never
 * values.
 */
final class ApiTables {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  private static final String NAME_DESCRIPTION = "Name of the object (metadata.name).";
  private static final String AGE_DESCRIPTION = "Time since metadata.creationTimestamp.";

  /** Writes the column definitions of one resource, and the cells of one of its objects. */
  private record Printer(Consumer<ArrayNode> columns, Cells cells) {}

  @FunctionalInterface
  private interface Cells {
    void add(JsonNode item, Instant now, ArrayNode cells);
  }

  private final CrdFacts crd;
  private final List<PrinterPath> crdPaths;
  private final Clock clock;

  ApiTables(CrdFacts crd, Clock clock) {
    this.crd = crd;
    this.crdPaths = crd.columns().stream().map(c -> PrinterPath.parse(c.jsonPath())).toList();
    this.clock = clock;
  }

  /**
   * Whether an Accept header asks for a meta.k8s.io/v1 Table, as {@code kubectl get} does with
   * {@code application/json;as=Table;v=v1;g=meta.k8s.io}.
   */
  static boolean wanted(String accept) {
    if (accept == null) {
      return false;
    }
    for (String mediaType : accept.split(",")) {
      List<String> params = new ArrayList<>();
      for (String part : mediaType.split(";")) {
        params.add(part.strip().replace(" ", ""));
      }
      if (params.get(0).equals("application/json")
          && params.contains("as=Table")
          && params.contains("v=v1")
          && params.contains("g=meta.k8s.io")) {
        return true;
      }
    }
    return false;
  }

  /** Whether this class prints the resource the path names. */
  boolean renders(ResourcePath path) {
    return path.is(crd.groupVersion(), crd.plural())
        || path.is("v1", "secrets")
        || path.is("v1", "events");
  }

  /**
   * The Table of {@code body}, a list (rows sorted by namespace and name, the order of a real
   * server's storage) or one object. {@code includeObject} is the query parameter of that name:
   * what each row carries besides its cells.
   *
   * @throws IllegalArgumentException when includeObject has a value a real server refuses
   */
  String render(ResourcePath path, JsonNode body, String includeObject) {
    if (!List.of("", "Metadata", "Object", "None").contains(includeObject)) {
      throw new IllegalArgumentException(
          "Unable to convert to Table as requested: includeObject: Invalid value: \""
              + includeObject
              + "\": must be 'Metadata', 'Object', 'None', or empty");
    }
    List<JsonNode> items = new ArrayList<>();
    if (body.has("items")) {
      body.get("items").forEach(items::add);
      items.sort(
          Comparator.comparing((JsonNode i) -> i.at("/metadata/namespace").asText())
              .thenComparing(i -> i.at("/metadata/name").asText()));
    } else {
      items.add(body);
    }
    Instant now = clock.instant();
    boolean secrets = path.is("v1", "secrets");
    Printer printer =
        path.is("v1", "events")
            ? new Printer(ApiTables::eventColumns, ApiTables::eventCells)
            : secrets
                ? new Printer(ApiTables::secretColumns, ApiTables::secretCells)
                : new Printer(this::customColumns, this::customCells);
    ObjectNode table = JSON.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table
        .putObject("metadata")
        .put("resourceVersion", body.at("/metadata/resourceVersion").asText(""));
    printer.columns().accept(table.putArray("columnDefinitions"));
    ArrayNode rows = table.putArray("rows");
    for (JsonNode item : items) {
      ObjectNode row = rows.addObject();
      printer.cells().add(item, now, row.putArray("cells"));
      row.set("object", rowObject(item, includeObject, secrets));
    }
    return table.toString();
  }

  private static JsonNode rowObject(JsonNode item, String includeObject, boolean secret) {
    switch (includeObject) {
      case "None":
        return JSON.nullNode();
      case "Object":
        ObjectNode copy = item.deepCopy();
        if (secret) {
          // A real server would include the values here (kubectl asks for whole objects only to
          // sort); the demo never hands out a Secret value through a new path.
          copy.remove("data");
          copy.remove("stringData");
        }
        return copy;
      default:
        ObjectNode partial =
            JSON.objectNode()
                .put("kind", "PartialObjectMetadata")
                .put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", item.path("metadata").deepCopy());
        return partial;
    }
  }

  private void customColumns(ArrayNode columns) {
    column(columns, "Name", "string", "name", NAME_DESCRIPTION, 0);
    for (CrdFacts.Column c : crd.columns()) {
      String description =
          c.description() != null && !c.description().isEmpty()
              ? c.description()
              : "CRD printer column, JSONPath " + c.jsonPath();
      column(columns, c.name(), c.type(), c.format(), description, c.priority());
    }
  }

  /** The name, then each printer column's first value: text for strings, typed otherwise. */
  private void customCells(JsonNode item, Instant now, ArrayNode cells) {
    cells.add(item.at("/metadata/name").asText());
    for (int i = 0; i < crdPaths.size(); i++) {
      List<JsonNode> found = crdPaths.get(i).find(item);
      JsonNode value = found.isEmpty() ? null : found.get(0);
      if (value == null || value.isNull()) {
        cells.addNull();
        continue;
      }
      String type = crd.columns().get(i).type();
      switch (type) {
        case "string" -> cells.add(value.isValueNode() ? value.asText() : value.toString());
        case "integer" -> cells.add(value.isNumber() ? JSON.numberNode(value.asLong()) : null);
        case "number" -> cells.add(value.isNumber() ? JSON.numberNode(value.asDouble()) : null);
        case "boolean" -> cells.add(value.isBoolean() ? value : null);
        // The server turns a date into an age; one in the future reads <invalid>.
        case "date" ->
            cells.add(value.isTextual() ? dateCell(value.asText(), now) : JSON.nullNode());
        default -> cells.addNull();
      }
    }
  }

  private static JsonNode dateCell(String text, Instant now) {
    Instant time = time(text);
    return JSON.textNode(time == null ? "<invalid>" : Ages.since(time, now));
  }

  private static void secretColumns(ArrayNode columns) {
    column(columns, "Name", "string", "name", NAME_DESCRIPTION, 0);
    column(columns, "Type", "string", "", "Secret type.", 0);
    column(columns, "Data", "string", "", "Number of keys in data.", 0);
    column(columns, "Age", "string", "", AGE_DESCRIPTION, 0);
  }

  private static void secretCells(JsonNode secret, Instant now, ArrayNode cells) {
    // The mock stores objects as sent: a real server would have defaulted the type and merged
    // stringData into data, so both are done here.
    Set<String> keys = new TreeSet<>();
    secret.path("data").fieldNames().forEachRemaining(keys::add);
    secret.path("stringData").fieldNames().forEachRemaining(keys::add);
    cells.add(secret.at("/metadata/name").asText());
    cells.add(secret.path("type").asText("").isEmpty() ? "Opaque" : secret.path("type").asText());
    cells.add(keys.size());
    cells.add(age(secret.at("/metadata/creationTimestamp"), now));
  }

  private static void eventColumns(ArrayNode columns) {
    // kube-apiserver always sends its wide columns; kubectl hides priority 1 unless -o wide.
    column(columns, "Last Seen", "string", "", "Time since the last occurrence.", 0);
    column(columns, "Type", "string", "", "Normal or Warning.", 0);
    column(columns, "Reason", "string", "", "Machine-readable reason.", 0);
    column(columns, "Object", "string", "", "The object the event is about.", 0);
    column(columns, "Subobject", "string", "", "Field path within the object.", 1);
    column(columns, "Source", "string", "", "Component that reported the event.", 1);
    column(columns, "Message", "string", "", "What happened.", 0);
    column(columns, "First Seen", "string", "", "Time since the first occurrence.", 1);
    column(columns, "Count", "string", "", "How often it happened.", 1);
    column(columns, "Name", "string", "name", NAME_DESCRIPTION, 1);
  }

  private static void eventCells(JsonNode event, Instant now, ArrayNode cells) {
    String first =
        event.path("firstTimestamp").asText("").isEmpty()
            ? age(event.path("eventTime"), now)
            : age(event.path("firstTimestamp"), now);
    String last =
        event.path("lastTimestamp").asText("").isEmpty()
            ? first
            : age(event.path("lastTimestamp"), now);
    long count = event.path("count").asLong(0);
    if (event.path("series").isObject()) {
      last = age(event.at("/series/lastObservedTime"), now);
      count = event.at("/series/count").asLong(0);
    } else if (count == 0) {
      count = 1; // events of the newer API leave a single occurrence uncounted
    }
    JsonNode involved = event.path("involvedObject");
    String kind = involved.path("kind").asText("").toLowerCase(Locale.ROOT);
    String name = involved.path("name").asText("");
    String component =
        firstNonEmpty(event.at("/source/component"), event.path("reportingComponent"));
    String instance = firstNonEmpty(event.at("/source/host"), event.path("reportingInstance"));
    cells.add(last);
    cells.add(event.path("type").asText(""));
    cells.add(event.path("reason").asText(""));
    cells.add(name.isEmpty() ? kind : kind + "/" + name);
    cells.add(involved.path("fieldPath").asText(""));
    cells.add(instance.isEmpty() ? component : component + ", " + instance);
    cells.add(event.path("message").asText("").strip());
    cells.add(first);
    cells.add(count);
    cells.add(event.at("/metadata/name").asText(""));
  }

  private static String firstNonEmpty(JsonNode a, JsonNode b) {
    String first = a.asText("");
    return first.isEmpty() ? b.asText("") : first;
  }

  private static String age(JsonNode timestamp, Instant now) {
    Instant time = timestamp.isTextual() ? time(timestamp.asText()) : null;
    return Ages.since(time, now);
  }

  private static Instant time(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static void column(
      ArrayNode columns,
      String name,
      String type,
      String format,
      String description,
      int priority) {
    columns
        .addObject()
        .put("name", name)
        .put("type", type)
        .put("format", format)
        .put("description", description)
        .put("priority", priority);
  }
}
