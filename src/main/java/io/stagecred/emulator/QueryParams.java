package io.stagecred.emulator;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the parameters of an STS Query request: the URL query string merged with the form-encoded
 * body (body wins), including the list encodings {@code X.member.N} and {@code
 * X.member.N.Key/Value}.
 */
final class QueryParams {
  /** A Tags.member.N entry; key or value is null when the request left it out. */
  record Tag(int index, String key, String value) {}

  private final Map<String, String> values = new LinkedHashMap<>();

  static QueryParams parse(String rawQuery, byte[] body) {
    QueryParams p = new QueryParams();
    p.addForm(rawQuery);
    p.addForm(new String(body, StandardCharsets.UTF_8));
    return p;
  }

  private void addForm(String form) {
    if (form == null || form.isBlank()) {
      return;
    }
    for (String pair : form.trim().split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        values.put(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        throw new StsError("MalformedQueryString", 400, "The query string is not well formed");
      }
    }
  }

  String get(String name) {
    return values.get(name);
  }

  /** Tags.member.N.Key / Tags.member.N.Value, ordered by N. */
  List<Tag> tags(String prefix) {
    Pattern p = Pattern.compile(Pattern.quote(prefix) + "\\.member\\.(\\d{1,6})\\.(Key|Value)");
    TreeMap<Integer, String[]> byIndex = new TreeMap<>();
    values.forEach(
        (name, value) -> {
          Matcher m = p.matcher(name);
          if (m.matches()) {
            String[] kv = byIndex.computeIfAbsent(Integer.parseInt(m.group(1)), i -> new String[2]);
            kv[m.group(2).equals("Key") ? 0 : 1] = value;
          }
        });
    List<Tag> result = new ArrayList<>();
    byIndex.forEach((i, kv) -> result.add(new Tag(i, kv[0], kv[1])));
    return result;
  }

  /** X.member.N values, ordered by N. */
  List<String> members(String prefix) {
    Pattern p = Pattern.compile(Pattern.quote(prefix) + "\\.member\\.(\\d{1,6})");
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    values.forEach(
        (name, value) -> {
          Matcher m = p.matcher(name);
          if (m.matches()) {
            byIndex.put(Integer.parseInt(m.group(1)), value);
          }
        });
    return new ArrayList<>(byIndex.values());
  }
}
