package io.stagecred.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagecred.api.Patterns;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

  /** What the API server accepts as a label value. */
  private static final Pattern LABEL_VALUE =
      Pattern.compile("^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$");

  private static final Pattern NAME = Pattern.compile(Patterns.DNS_SUBDOMAIN);

  private static String name(int length, char filler) {
    if (length == 1) {
      return "a";
    }
    StringBuilder s = new StringBuilder("a");
    while (s.length() < length - 1) {
      s.append(s.length() % 50 == 49 ? filler : 'b');
    }
    return s.append('z').toString();
  }

  @ParameterizedTest(name = "a name of {0} characters")
  @ValueSource(ints = {1, 62, 63, 64, 70, 100, 253})
  void everyResourceNameGivesAValidLabelValueAndEventName(int length) {
    for (char filler : new char[] {'-', '.'}) {
      String name = name(length, filler);
      String label = Names.labelValue(name);
      assertThat(label).hasSizeLessThanOrEqualTo(63).matches(LABEL_VALUE);
      if (length <= 63) {
        assertThat(label).isEqualTo(name);
      }
      String event = Names.eventName(name, "0123456789abcdef");
      assertThat(event).hasSizeLessThanOrEqualTo(253).matches(NAME).endsWith(".0123456789abcdef");
    }
  }

  @ParameterizedTest(name = "names of {0} characters that share their first 50 stay apart")
  @ValueSource(ints = {64, 253})
  void longNamesThatShareAPrefixGetDistinctLabels(int length) {
    String a = name(length, '-');
    String b = a.substring(0, a.length() - 1) + "y";
    assertThat(Names.labelValue(a)).isNotEqualTo(Names.labelValue(b));
  }
}
