package io.stagecred.inject;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON Patch (RFC 6902) that turns one pod into another, for the members the injector changes:
 * each changed member is set whole ({@code add} replaces an existing member), so the patch applies
 * to exactly the pod it was computed from, which is what admission guarantees. Pure.
 */
public final class PodPatch {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private PodPatch() {}

  /** The operations from {@code before} to {@code after}; empty when nothing differs. */
  public static List<Map<String, Object>> between(Pod before, Pod after) {
    JsonNode from = SERIALIZATION.convertValue(before, JsonNode.class);
    JsonNode to = SERIALIZATION.convertValue(after, JsonNode.class);
    List<Map<String, Object>> ops = new ArrayList<>();
    for (String path :
        List.of(
            "/metadata/annotations", "/spec/initContainers", "/spec/containers", "/spec/volumes")) {
      JsonNode old = from.at(path);
      JsonNode now = to.at(path);
      if (!Objects.equals(old, now) && !now.isMissingNode()) {
        Map<String, Object> op = new LinkedHashMap<>();
        op.put("op", "add");
        op.put("path", path);
        op.put("value", now);
        ops.add(op);
      }
    }
    return ops;
  }

  /** {@code ops} as the JSON text an AdmissionResponse carries (base64 is the caller's). */
  public static String json(List<Map<String, Object>> ops) {
    return SERIALIZATION.asJson(ops);
  }
}
