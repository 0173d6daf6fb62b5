package io.stagecred.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatus;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An in-process Kubernetes API: the Fabric8 mock server in CRUD mode, plus the TokenRequest
 * subresource (which CRUD mode lacks), answered with tokens from a {@link TokenMinter}, the way a
 * cluster's service-account issuer signs projected tokens. For a real kubectl it also answers
 * discovery ({@link ApiDiscovery}), Tables for {@code kubectl get} ({@link ApiTables}) and the
 * field selectors on Events that {@code kubectl describe} sends, which the mock cannot match.
 */
public final class EmbeddedKubernetes implements AutoCloseable {

  private static final Pattern TOKEN_PATH =
      Pattern.compile("^/api/v1/namespaces/([^/]+)/serviceaccounts/([^/?]+)/token(\\?.*)?$");

  /** The field labels kube-apiserver lets a selector use on Events, and where each one is. */
  private static final Map<String, String> EVENT_FIELDS =
      Map.ofEntries(
          Map.entry("involvedObject.kind", "/involvedObject/kind"),
          Map.entry("involvedObject.namespace", "/involvedObject/namespace"),
          Map.entry("involvedObject.name", "/involvedObject/name"),
          Map.entry("involvedObject.uid", "/involvedObject/uid"),
          Map.entry("involvedObject.apiVersion", "/involvedObject/apiVersion"),
          Map.entry("involvedObject.resourceVersion", "/involvedObject/resourceVersion"),
          Map.entry("involvedObject.fieldPath", "/involvedObject/fieldPath"),
          Map.entry("reason", "/reason"),
          Map.entry("reportingComponent", "/reportingComponent"),
          Map.entry("source", "/source/component"),
          Map.entry("type", "/type"),
          Map.entry("metadata.name", "/metadata/name"),
          Map.entry("metadata.namespace", "/metadata/namespace"));

  private final KubernetesMockServer server;

  public EmbeddedKubernetes(TokenMinter minter, Clock clock) {
    this.server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new TokenRequestDispatcher(minter, clock, CrdFacts.load()),
            false);
  }

  /** Starts listening on 127.0.0.1 (an ephemeral port). */
  public EmbeddedKubernetes start() {
    server.init(InetAddress.getLoopbackAddress(), 0);
    return this;
  }

  /** The API server URL to give a Kubernetes client. */
  public String url() {
    return "http://127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    server.destroy();
  }

  /**
   * CRUD dispatcher that also mints service-account tokens for existing service accounts and
   * answers what kubectl asks beyond CRUD.
   */
  private static final class TokenRequestDispatcher extends KubernetesCrudDispatcher {
    private final TokenMinter minter;
    private final Clock clock;
    private final ApiDiscovery discovery;
    private final ApiTables tables;
    private final ObjectMapper mapper = new ObjectMapper();

    TokenRequestDispatcher(TokenMinter minter, Clock clock, CrdFacts crd) {
      super(List.of());
      this.minter = minter;
      this.clock = clock;
      this.discovery = new ApiDiscovery(crd);
      this.tables = new ApiTables(crd, clock);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      Matcher m = TOKEN_PATH.matcher(request.getPath());
      if (m.matches() && "POST".equalsIgnoreCase(request.getMethod())) {
        return mintToken(m.group(1), m.group(2), request.getUtf8Body());
      }
      if ("GET".equalsIgnoreCase(request.getMethod())) {
        MockResponse answer = forKubectl(request.getPath(), request.getHeader("Accept"));
        if (answer != null) {
          return answer;
        }
      }
      String contentType = request.getHeader("Content-Type");
      if (contentType != null && contentType.startsWith("application/vnd.kubernetes.protobuf")) {
        // kubectl writes built-in kinds as protobuf, which the mock cannot read.
        return status(
            415,
            "UnsupportedMediaType",
            "the stagecred demo's embedded API reads JSON and YAML only, not " + contentType);
      }
      try {
        return super.dispatch(request);
      } catch (RuntimeException e) {
        // Unanswered, the request would hang its client. The message may quote the body, which
        // can be a Secret, so only the kind of failure is told.
        return status(
            500,
            "InternalError",
            "the embedded API could not handle this request (" + e.getClass().getName() + ")");
      }
    }

    /** Discovery, field-selected Events and Tables; null where the mock's own answer is right. */
    private MockResponse forKubectl(String path, String accept) {
      int query = path.indexOf('?');
      Optional<String> document = discovery.answer(query < 0 ? path : path.substring(0, query));
      if (document.isPresent()) {
        return json(200, document.get());
      }
      ResourcePath target = ResourcePath.parse(path).orElse(null);
      if (target == null || target.param("watch").filter(w -> !w.equals("false")).isPresent()) {
        return null;
      }
      boolean select =
          target.is("v1", "events") && target.isList() && target.param("fieldSelector").isPresent();
      boolean table = ApiTables.wanted(accept) && tables.renders(target);
      if (!select && !table) {
        return null;
      }
      try {
        MockResponse found = select ? selectEvents(target) : handleGet(path);
        if (!table || found.code() != 200) {
          return found;
        }
        JsonNode body = mapper.readTree(found.getBody().getBytes());
        return json(200, tables.render(target, body, target.param("includeObject").orElse("")));
      } catch (IllegalArgumentException e) {
        return status(400, "BadRequest", e.getMessage());
      } catch (IOException e) {
        return status(500, "InternalError", "the stored objects are not JSON");
      }
    }

    /** The Event list without the field selector, then filtered by it as a real server does. */
    private MockResponse selectEvents(ResourcePath events) throws IOException {
      FieldSelector selector = FieldSelector.parse(events.param("fieldSelector").orElseThrow());
      Optional<String> unsupported = selector.unsupportedLabel(EVENT_FIELDS);
      if (unsupported.isPresent()) {
        return status(400, "BadRequest", "field label not supported: " + unsupported.get());
      }
      MockResponse all = handleGet(events.without("fieldSelector"));
      if (all.code() != 200) {
        return all;
      }
      ObjectNode list = (ObjectNode) mapper.readTree(all.getBody().getBytes());
      ArrayNode kept = mapper.createArrayNode();
      for (JsonNode event : list.path("items")) {
        if (selector.matches(event, EVENT_FIELDS)) {
          kept.add(event);
        }
      }
      list.put("kind", "EventList").put("apiVersion", "v1").set("items", kept);
      return json(200, list.toString());
    }

    private MockResponse mintToken(String namespace, String serviceAccount, String body) {
      MockResponse existing =
          handleGet("/api/v1/namespaces/" + namespace + "/serviceaccounts/" + serviceAccount);
      if (existing.code() != 200) {
        return status(404, "NotFound", "serviceaccounts \"" + serviceAccount + "\" not found");
      }
      TokenRequest request;
      try {
        JsonNode tree = mapper.readTree(body);
        request = mapper.treeToValue(tree, TokenRequest.class);
      } catch (IOException e) {
        return status(400, "BadRequest", "the body is not a TokenRequest");
      }
      List<String> audiences =
          request.getSpec() == null ? List.of() : request.getSpec().getAudiences();
      if (audiences == null || audiences.isEmpty()) {
        return status(400, "BadRequest", "spec.audiences: at least one audience is required here");
      }
      long seconds =
          request.getSpec().getExpirationSeconds() == null
              ? 3600
              : Math.max(600, request.getSpec().getExpirationSeconds());
      Instant now = clock.instant();
      Instant expires = now.plusSeconds(seconds);
      String token =
          minter.mint(
              "system:serviceaccount:" + namespace + ":" + serviceAccount,
              audiences.get(0),
              now,
              expires);
      request.setStatus(new TokenRequestStatus(expires.toString(), token));
      request.getSpec().setExpirationSeconds(seconds);
      return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(request));
    }

    private static MockResponse json(int code, String body) {
      return new MockResponse()
          .setResponseCode(code)
          .setHeader("Content-Type", "application/json")
          .setBody(body);
    }

    private static MockResponse status(int code, String reason, String message) {
      String body =
          "{\"apiVersion\":\"v1\",\"kind\":\"Status\",\"status\":\"Failure\",\"code\":"
              + code
              + ",\"reason\":\""
              + reason
              + "\",\"message\":"
              + Serialization.asJson(message)
              + "}";
      return json(code, body);
    }
  }
}
