package io.stagecred.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request path of the Kubernetes REST API: reads {@code /api/v1/namespaces/ci/events?limit=500}
 * or {@code /apis/stagecred.io/v1alpha1/deploymentcredentials/orders} and names its group, version,
 * namespace, resource, object name and query parameters.
 */
record ResourcePath(
    String group,
    String version,
    String namespace,
    String resource,
    String name,
    String base,
    List<String> rawParams) {

  // The namespace part is optional and tried first; /api/v1/namespaces/ci is the namespace "ci".
  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/(v1)|apis/([^/]+)/([^/]+))(?:/namespaces/([^/]+))?/([^/]+)(?:/([^/]+))?$");

  /** The parsed path; empty for discovery documents, subresources and other paths. */
  static Optional<ResourcePath> parse(String pathAndQuery) {
    int q = pathAndQuery.indexOf('?');
    String base = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    List<String> params =
        q < 0 || q == pathAndQuery.length() - 1
            ? List.of()
            : List.of(pathAndQuery.substring(q + 1).split("&"));
    Matcher m = PATH.matcher(base);
    if (!m.matches()) {
      return Optional.empty();
    }
    boolean core = m.group(1) != null;
    return Optional.of(
        new ResourcePath(
            core ? "" : m.group(2),
            core ? "v1" : m.group(3),
            m.group(4),
            m.group(5),
            m.group(6),
            base,
            params));
  }

  /** Whether this path names {@code resource} of the group version {@code groupVersion}. */
  boolean is(String groupVersion, String resource) {
    String gv = group.isEmpty() ? version : group + "/" + version;
    return gv.equals(groupVersion) && this.resource.equals(resource);
  }

  boolean isList() {
    return name == null;
  }

  /** The decoded value of the first {@code key} parameter. */
  Optional<String> param(String key) {
    for (String raw : rawParams) {
      int eq = raw.indexOf('=');
      String k = decode(eq < 0 ? raw : raw.substring(0, eq));
      if (k.equals(key)) {
        return Optional.of(eq < 0 ? "" : decode(raw.substring(eq + 1)));
      }
    }
    return Optional.empty();
  }

  /** This path and its query without the {@code key} parameters. */
  String without(String key) {
    List<String> kept = new ArrayList<>();
    for (String raw : rawParams) {
      int eq = raw.indexOf('=');
      if (!decode(eq < 0 ? raw : raw.substring(0, eq)).equals(key)) {
        kept.add(raw);
      }
    }
    return kept.isEmpty() ? base : base + "?" + String.join("&", kept);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
