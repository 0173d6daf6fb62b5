package io.stagecred.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.BeanSerializerModifier;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * Writes a spec the way {@link SpecReader} read it: an unreadable spec as it was stored, so that a
 * copy made through JSON (JOSDK clones every resource it reconciles that way) reads as unreadable
 * again and the problem is not lost; any other spec as usual. A Jackson module for the client's
 * mapper rather than an annotation, which would make the CRD generator drop the spec's schema.
 */
public final class SpecWriter extends StdSerializer<DeploymentCredentialSpec> {

  private static final long serialVersionUID = 1L;

  private final transient JsonSerializer<Object> usual;

  private SpecWriter(JsonSerializer<Object> usual) {
    super(DeploymentCredentialSpec.class);
    this.usual = usual;
  }

  /** The module that installs this writer in a mapper. */
  public static SimpleModule module() {
    SimpleModule module = new SimpleModule("stagecred-spec");
    module.setSerializerModifier(
        new BeanSerializerModifier() {
          @Override
          @SuppressWarnings("unchecked")
          public JsonSerializer<?> modifySerializer(
              SerializationConfig config, BeanDescription bean, JsonSerializer<?> serializer) {
            return bean.getBeanClass() == DeploymentCredentialSpec.class
                ? new SpecWriter((JsonSerializer<Object>) serializer)
                : serializer;
          }
        });
    return module;
  }

  @Override
  public void serialize(
      DeploymentCredentialSpec spec, JsonGenerator generator, SerializerProvider provider)
      throws IOException {
    if (spec.getStored() != null) {
      generator.writeTree(spec.getStored());
    } else {
      usual.serialize(spec, generator, provider);
    }
  }
}
