package io.stagecred.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The pieces of the embedded API's kubectl support: ages, printer-column paths, field selectors.
 */
class KubectlPrintingTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return MAPPER.readTree(text.replace('\'', '"'));
  }

  @ParameterizedTest
  @CsvSource({
    "-2, <invalid>",
    "-1, 0s",
    "0, 0s",
    "119, 119s",
    "120, 2m",
    "121, 2m1s",
    "599, 9m59s",
    "600, 10m",
    "10799, 179m",
    "10800, 3h",
    "11220, 3h7m",
    "28800, 8h",
    "172799, 47h",
    "172800, 2d",
    "187200, 2d4h",
    "691200, 8d",
    "63071999, 729d",
    "63072000, 2y",
    "63158400, 2y1d",
    "252288000, 8y",
  })
  void agesAreAsCoarseAsKubeApiserversOwn(long seconds, String expected) {
    assertThat(Ages.format(Duration.ofSeconds(seconds))).isEqualTo(expected);
  }

  @Test
  void aPrinterPathSelectsFieldsIndexesWildcardsAndFilteredElements() throws Exception {
    JsonNode object =
        json(
            "{'status': {'nextRenewal': 'soon', 'readyStages': '2/3', 'conditions': ["
                + "{'type': 'Synced', 'status': 'False'}, {'type': 'Ready', 'status': 'True'}]},"
                + " 'spec': {'stages': [{'name': 'dev'}, {'name': 'prod', 'n': 2}]}}");

    assertThat(PrinterPath.parse(".status.nextRenewal").find(object))
        .extracting(JsonNode::asText)
        .containsExactly("soon");
    assertThat(PrinterPath.parse(".status.conditions[?(@.type==\"Ready\")].status").find(object))
        .extracting(JsonNode::asText)
        .containsExactly("True");
    assertThat(PrinterPath.parse(".status.conditions[?(@.type!='Ready')].type").find(object))
        .extracting(JsonNode::asText)
        .containsExactly("Synced");
    assertThat(PrinterPath.parse("{.spec.stages[*].name}").find(object))
        .extracting(JsonNode::asText)
        .containsExactly("dev", "prod");
    assertThat(PrinterPath.parse(".spec.stages[-1]['name']").find(object))
        .extracting(JsonNode::asText)
        .containsExactly("prod");
    assertThat(PrinterPath.parse(".spec.stages[?(@.n==2)].name").find(object))
        .extracting(JsonNode::asText)
        .containsExactly("prod");
    assertThat(PrinterPath.parse(".status.missing.deeper").find(object)).isEmpty();
    assertThat(PrinterPath.parse(".spec.stages[5]").find(object)).isEmpty();
  }

  @Test
  void aPrinterPathOutsideTheSimpleGrammarIsRefused() {
    for (String path : List.of(".status[", ".a[?(@.b~='c')]", ".a[x]", "..a")) {
      assertThatThrownBy(() -> PrinterPath.parse(path))
          .as(path)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aFieldSelectorMatchesEqualityAndInequalityWithEscapedValues() throws Exception {
    Map<String, String> fields =
        Map.of("involvedObject.name", "/involvedObject/name", "type", "/type", "reason", "/reason");
    JsonNode event = json("{'involvedObject': {'name': 'a,b=c'}, 'type': 'Normal'}");

    assertThat(FieldSelector.parse("involvedObject.name=a\\,b\\=c").matches(event, fields))
        .isTrue();
    assertThat(
            FieldSelector.parse("involvedObject.name==a\\,b\\=c,type!=Warning")
                .matches(event, fields))
        .isTrue();
    assertThat(FieldSelector.parse("type=Warning").matches(event, fields)).isFalse();
    assertThat(FieldSelector.parse("type!=Normal").matches(event, fields)).isFalse();
    // A field the object lacks reads as the empty string, as on a real server.
    assertThat(FieldSelector.parse("reason=").matches(event, fields)).isTrue();
    assertThat(FieldSelector.parse("reason!=").matches(event, fields)).isFalse();
    assertThat(FieldSelector.parse("type=Normal,bogus=x").unsupportedLabel(fields))
        .contains("bogus");
    assertThatThrownBy(() -> FieldSelector.parse("type"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
