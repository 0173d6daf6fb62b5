package io.stagecred.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.io.IOException;

/**
 * Reads a DeploymentCredential's spec without ever failing the read of the whole resource: a spec
 * that does not fit the Java model (an unknown field, a value of the wrong type, stored under an
 * older or bypassed schema) becomes an empty spec that says which field could not be read. One
 * tenant's malformed resource must not stop the informer that serves every other resource.
 */
public final class SpecReader extends JsonDeserializer<DeploymentCredentialSpec> {

  @Override
  public DeploymentCredentialSpec deserialize(JsonParser parser, DeserializationContext context)
      throws IOException {
    JsonNode node = parser.readValueAsTree();
    ObjectMapper mapper = (ObjectMapper) parser.getCodec();
    try {
      return mapper
          .readerFor(DeploymentCredentialSpec.class)
          .with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .readValue(node);
    } catch (JsonMappingException e) {
      DeploymentCredentialSpec unreadable = new DeploymentCredentialSpec();
      unreadable.setUnreadable(describe(e));
      unreadable.setStored(node);
      return unreadable;
    }
  }

  /** The field and what is wrong with it, never the value (which could be anything). */
  private static String describe(JsonMappingException e) {
    StringBuilder field = new StringBuilder("spec");
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        field.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
      }
    }
    // Keys come from whoever wrote the resource: no control characters or spaces in messages.
    String path = field.toString().replaceAll("[\\p{Cntrl}\\s]", "?");
    if (path.length() > 200) {
      path = path.substring(0, 200) + "...";
    }
    return e instanceof UnrecognizedPropertyException
        ? path
            + " is not a field of DeploymentCredential; remove it or correct its name (kubectl"
            + " explain dcred.spec lists the fields)"
        : path
            + " has a value of the wrong type; kubectl explain dcred.spec shows each field's type";
  }
}
