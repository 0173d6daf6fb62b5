package io.stagecred.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A Kubernetes field selector such as {@code involvedObject.name=orders,type!=Normal}: reads the
 * selector text and tells whether an object's JSON matches it, given which JSON field each
 * selectable field label stands for.
 */
final class FieldSelector {

  /** One {@code label=value}, {@code label==value} or {@code label!=value} term. */
  record Term(String label, boolean equal, String value) {}

  private final List<Term> terms;

  private FieldSelector(List<Term> terms) {
    this.terms = terms;
  }

  /** The first label that {@code fields} does not know, if any: a real server refuses it. */
  Optional<String> unsupportedLabel(Map<String, String> fields) {
    return terms.stream().map(Term::label).filter(l -> !fields.containsKey(l)).findFirst();
  }

  /**
   * Parses the selector; {@code \,}, {@code \=} and {@code \\} in values stand for the character,
   * as client-go escapes them.
   */
  static FieldSelector parse(String selector) {
    List<Term> terms = new ArrayList<>();
    for (String term : splitUnescaped(selector)) {
      if (term.isBlank()) {
        continue;
      }
      int op = indexOfUnescaped(term, '=');
      if (op <= 0) {
        throw new IllegalArgumentException("invalid selector: '" + selector + "'");
      }
      boolean equal = term.charAt(op - 1) != '!';
      String label = term.substring(0, equal ? op : op - 1).strip();
      boolean doubled = equal && term.startsWith("=", op + 1);
      String value = term.substring(doubled ? op + 2 : op + 1).strip();
      terms.add(new Term(label, equal, unescape(value)));
    }
    return new FieldSelector(terms);
  }

  /**
   * Whether {@code object} satisfies every term. {@code fields} maps each supported label to a JSON
   * pointer; a field missing from the object counts as the empty string, as on a real server.
   */
  boolean matches(JsonNode object, Map<String, String> fields) {
    for (Term term : terms) {
      JsonNode node = object.at(fields.get(term.label()));
      String actual = node.isValueNode() ? node.asText() : "";
      if (actual.equals(term.value()) != term.equal()) {
        return false;
      }
    }
    return true;
  }

  private static List<String> splitUnescaped(String text) {
    List<String> parts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' && i + 1 < text.length()) {
        current.append(c).append(text.charAt(++i));
      } else if (c == ',') {
        parts.add(current.toString());
        current.setLength(0);
      } else {
        current.append(c);
      }
    }
    parts.add(current.toString());
    return parts;
  }

  private static int indexOfUnescaped(String text, char wanted) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\\') {
        i++;
      } else if (text.charAt(i) == wanted) {
        return i;
      }
    }
    return -1;
  }

  private static String unescape(String value) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\' && i + 1 < value.length()) {
        c = value.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }
}
