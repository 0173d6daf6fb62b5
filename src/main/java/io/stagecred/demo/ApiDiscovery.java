package io.stagecred.demo;

import io.fabric8.kubernetes.api.model.APIGroup;
import io.fabric8.kubernetes.api.model.APIGroupBuilder;
import io.fabric8.kubernetes.api.model.APIGroupListBuilder;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceBuilder;
import io.fabric8.kubernetes.api.model.APIResourceListBuilder;
import io.fabric8.kubernetes.api.model.APIVersionsBuilder;
import io.fabric8.kubernetes.api.model.GroupVersionForDiscovery;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The discovery documents kubectl reads before anything else: answers {@code /api}, {@code /apis},
 * {@code /apis/GROUP} and each served group version with the resources the demo's API holds. The
 * custom resource's entry comes from the CRD. These are the legacy (unaggregated) documents;
 * kubectl asks for aggregated discovery first and takes these when the answer is plain JSON.
 */
final class ApiDiscovery {

  private static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  // What kube-apiserver lists for a custom resource, in its order.
  private static final List<String> CUSTOM_VERBS =
      List.of("delete", "deletecollection", "get", "list", "patch", "create", "update", "watch");
  private static final List<String> STATUS_VERBS = List.of("get", "patch", "update");

  /** Group version → its resources, in the order /apis lists them; "v1" is the core group. */
  private final Map<String, List<APIResource>> served = new LinkedHashMap<>();

  ApiDiscovery(CrdFacts crd) {
    served.put(
        "v1",
        List.of(
            resource("configmaps", "configmap", "ConfigMap", true, ALL_VERBS, "cm"),
            resource("events", "event", "Event", true, ALL_VERBS, "ev"),
            resource(
                "namespaces",
                "namespace",
                "Namespace",
                false,
                List.of("create", "delete", "get", "list", "patch", "update", "watch"),
                "ns"),
            withCategories(resource("pods", "pod", "Pod", true, ALL_VERBS, "po"), List.of("all")),
            resource("secrets", "secret", "Secret", true, ALL_VERBS),
            resource("serviceaccounts", "serviceaccount", "ServiceAccount", true, ALL_VERBS, "sa"),
            new APIResourceBuilder()
                .withName("serviceaccounts/token")
                .withSingularName("")
                .withNamespaced(true)
                .withGroup("authentication.k8s.io")
                .withVersion("v1")
                .withKind("TokenRequest")
                .withVerbs("create")
                .build()));
    served.put(
        "apiextensions.k8s.io/v1",
        List.of(
            withCategories(
                resource(
                    "customresourcedefinitions",
                    "customresourcedefinition",
                    "CustomResourceDefinition",
                    false,
                    ALL_VERBS,
                    "crd",
                    "crds"),
                List.of("api-extensions"))));
    List<APIResource> custom = new ArrayList<>();
    custom.add(
        withCategories(
            resource(
                crd.plural(),
                crd.singular(),
                crd.kind(),
                crd.namespaced(),
                CUSTOM_VERBS,
                crd.shortNames().toArray(String[]::new)),
            crd.categories()));
    if (crd.statusSubresource()) {
      custom.add(
          resource(crd.plural() + "/status", "", crd.kind(), crd.namespaced(), STATUS_VERBS));
    }
    served.put(crd.groupVersion(), List.copyOf(custom));
  }

  /** The JSON document for {@code path} (without query), or empty when it is no discovery path. */
  Optional<String> answer(String path) {
    String p =
        path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
    if (p.equals("/api")) {
      return json(new APIVersionsBuilder().withVersions("v1").build());
    }
    if (p.equals("/apis")) {
      return json(new APIGroupListBuilder().withGroups(groups()).build());
    }
    if (p.equals("/api/v1")) {
      return resources("v1");
    }
    if (p.startsWith("/apis/")) {
      String rest = p.substring("/apis/".length());
      if (served.containsKey(rest)) {
        return resources(rest);
      }
      return groups().stream()
          .filter(g -> g.getName().equals(rest))
          .findFirst()
          .flatMap(this::json);
    }
    return Optional.empty();
  }

  private List<APIGroup> groups() {
    List<APIGroup> groups = new ArrayList<>();
    for (String groupVersion : served.keySet()) {
      int slash = groupVersion.indexOf('/');
      if (slash < 0) {
        continue;
      }
      GroupVersionForDiscovery version =
          new GroupVersionForDiscovery(groupVersion, groupVersion.substring(slash + 1));
      groups.add(
          new APIGroupBuilder()
              .withName(groupVersion.substring(0, slash))
              .withVersions(version)
              .withPreferredVersion(version)
              .build());
    }
    return groups;
  }

  private Optional<String> resources(String groupVersion) {
    return json(
        new APIResourceListBuilder()
            .withGroupVersion(groupVersion)
            .withResources(served.get(groupVersion))
            .build());
  }

  private Optional<String> json(Object document) {
    return Optional.of(Serialization.asJson(document));
  }

  private static APIResource resource(
      String name,
      String singular,
      String kind,
      boolean namespaced,
      List<String> verbs,
      String... shortNames) {
    return new APIResourceBuilder()
        .withName(name)
        .withSingularName(singular)
        .withNamespaced(namespaced)
        .withKind(kind)
        .withVerbs(verbs)
        .withShortNames(shortNames)
        .build();
  }

  private static APIResource withCategories(APIResource resource, List<String> categories) {
    resource.setCategories(categories);
    return resource;
  }
}
