package io.stagecred.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.stagecred.stage.SpecValidator;
import io.stagecred.stage.ValidationContext;
import io.stagecred.stage.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpecReaderTest {

  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A list of resources, as an informer's list call reads it. */
  static final class DeploymentCredentialList
      extends DefaultKubernetesResourceList<DeploymentCredential> {
    private static final long serialVersionUID = 1L;
  }

  private static String resource(String name, String spec) {
    return "{\"apiVersion\":\"stagecred.io/v1alpha1\",\"kind\":\"DeploymentCredential\","
        + "\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\"ci\"},\"spec\":"
        + spec
        + "}";
  }

  private static final String STAGE =
      "{\"name\":\"dev\",\"roleArn\":\"arn:aws:iam::111111111111:role/deploy-dev\"}";

  @Test
  void aSpecThatFitsIsReadAsItIs() {
    DeploymentCredential dc =
        JSON.unmarshal(
            resource("ok", "{\"region\":\"us-east-1\",\"stages\":[" + STAGE + "]}"),
            DeploymentCredential.class);
    assertThat(dc.getSpec().getUnreadable()).isNull();
    assertThat(dc.getSpec().getStages())
        .singleElement()
        .extracting(StageSpec::getName)
        .isEqualTo("dev");
    assertThat(JSON.asJson(dc)).doesNotContain("unreadable");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "an unknown field | {\"region\":\"us-east-1\",\"stagez\":[]} | spec.stagez | is not a field",
        "a number as text | {\"region\":\"us-east-1\",\"stages\":[{\"name\":\"dev\",\"durationSeconds\":\"abc\"}]}"
            + " | spec.stages[0].durationSeconds | wrong type",
        "a list as text | {\"region\":\"us-east-1\",\"stages\":\"dev\"} | spec.stages | wrong type",
        "an object as a list | {\"region\":\"us-east-1\",\"identity\":[1]} | spec.identity | wrong type",
        "an unknown field in a stage | {\"region\":\"us-east-1\",\"stages\":[{\"rolearn\":\"x\"}]}"
            + " | spec.stages[0].rolearn | is not a field",
        "a key with spaces | {\"region\":\"us-east-1\",\"a b\":1} | spec.a?b | is not a field",
      })
  void aSpecThatDoesNotFitIsReadAsUnreadableNamingTheField(
      String scenario, String spec, String field, String problem) {
    DeploymentCredential dc = JSON.unmarshal(resource("poison", spec), DeploymentCredential.class);
    assertThat(dc.getMetadata().getName()).isEqualTo("poison");
    assertThat(SpecValidator.validate(dc.getSpec(), new ValidationContext("poison", false)))
        .singleElement()
        .satisfies(
            v -> {
              assertThat(v.field()).isEqualTo(field);
              assertThat(v.message()).contains(problem).doesNotContain("abc");
              assertThat(v.resourceWide()).isTrue();
            });
  }

  @Test
  void anUnreadableSpecSurvivesACopyThroughJson() {
    // The framework clones resources by writing and reading them: the problem must stay known.
    DeploymentCredential dc =
        JSON.unmarshal(
            resource("poison", "{\"region\":\"us-east-1\",\"durationSeconds\":\"abc\"}"),
            DeploymentCredential.class);
    // The operator's client mapper has SpecWriter installed (config.ClientMapper).
    KubernetesSerialization client =
        new KubernetesSerialization(new ObjectMapper().registerModule(SpecWriter.module()), true);
    DeploymentCredential copy = client.clone(dc);
    assertThat(copy.getSpec().getUnreadable())
        .isEqualTo(dc.getSpec().getUnreadable())
        .startsWith("spec.durationSeconds ");
    assertThat(client.asJson(copy)).doesNotContain("unreadable");
    assertThat(JSON.clone(dc).getSpec().getUnreadable())
        .as("without SpecWriter the copy loses what could not be read")
        .isNull();
  }

  @Test
  void onePoisonedItemDoesNotSpoilTheList() {
    String list =
        "{\"apiVersion\":\"stagecred.io/v1alpha1\",\"kind\":\"DeploymentCredentialList\","
            + "\"metadata\":{},\"items\":["
            + resource("a", "{\"region\":\"us-east-1\",\"stages\":[" + STAGE + "]}")
            + ","
            + resource("poison", "{\"region\":7,\"durationSeconds\":{\"x\":1}}")
            + ","
            + resource("b", "{\"region\":\"eu-west-1\",\"stages\":[" + STAGE + "]}")
            + "]}";
    DeploymentCredentialList read = JSON.unmarshal(list, DeploymentCredentialList.class);
    assertThat(read.getItems())
        .extracting(d -> d.getMetadata().getName(), d -> d.getSpec().getUnreadable() == null)
        .containsExactly(tuple("a", true), tuple("poison", false), tuple("b", true));
    assertThat(
            SpecValidator.validate(
                read.getItems().get(1).getSpec(), new ValidationContext("poison", false)))
        .extracting(Violation::field)
        .containsExactly("spec.durationSeconds");
  }
}
