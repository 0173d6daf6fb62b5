package io.stagecred.demo;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionNames;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * What the embedded API serves about the custom resource, read from the committed CRD that ships on
 * the classpath (the one the demo applies): names, scope, subresources and printer columns.
 */
record CrdFacts(
    String group,
    String version,
    String kind,
    String plural,
    String singular,
    List<String> shortNames,
    List<String> categories,
    boolean namespaced,
    boolean statusSubresource,
    List<Column> columns) {

  /** Where the build puts {@code crds/deploymentcredentials.stagecred.io-v1.yml}. */
  static final String RESOURCE = "crds/deploymentcredentials.stagecred.io-v1.yml";

  /** One additionalPrinterColumn of the served version. */
  record Column(
      String name, String type, String format, String description, int priority, String jsonPath) {}

  /** Reads {@link #RESOURCE}. */
  static CrdFacts load() {
    try (InputStream in = CrdFacts.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the CRD is missing from the application: " + RESOURCE);
      }
      return of(Serialization.unmarshal(in, CustomResourceDefinition.class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CrdFacts of(CustomResourceDefinition crd) {
    // A real API server serves every served version; the demo serves the storage version, the
    // only one this CRD has.
    CustomResourceDefinitionVersion served =
        crd.getSpec().getVersions().stream()
            .filter(v -> Boolean.TRUE.equals(v.getStorage()))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("the CRD has no storage version"));
    CustomResourceDefinitionNames names = crd.getSpec().getNames();
    List<CustomResourceColumnDefinition> printer =
        served.getAdditionalPrinterColumns() == null
            ? List.of()
            : served.getAdditionalPrinterColumns();
    return new CrdFacts(
        crd.getSpec().getGroup(),
        served.getName(),
        names.getKind(),
        names.getPlural(),
        names.getSingular(),
        names.getShortNames() == null ? List.of() : List.copyOf(names.getShortNames()),
        names.getCategories() == null ? List.of() : List.copyOf(names.getCategories()),
        "Namespaced".equals(crd.getSpec().getScope()),
        served.getSubresources() != null && served.getSubresources().getStatus() != null,
        printer.stream()
            .map(
                c ->
                    new Column(
                        c.getName(),
                        c.getType(),
                        c.getFormat() == null ? "" : c.getFormat(),
                        c.getDescription(),
                        c.getPriority() == null ? 0 : c.getPriority(),
                        c.getJsonPath()))
            .toList());
  }

  String groupVersion() {
    return group + "/" + version;
  }
}
