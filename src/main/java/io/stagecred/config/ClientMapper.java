package io.stagecred.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.kubernetes.client.KubernetesClientObjectMapperCustomizer;
import io.stagecred.api.SpecWriter;
import jakarta.inject.Singleton;

/** Installs {@link SpecWriter} in the Kubernetes client's mapper, which JOSDK clones with. */
@Singleton
public class ClientMapper implements KubernetesClientObjectMapperCustomizer {

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.registerModule(SpecWriter.module());
  }
}
