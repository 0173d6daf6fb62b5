package io.stagecred.demo;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The "simple JSONPath" of a CRD printer column: reads a path such as {@code .status.nextRenewal}
 * or {@code .status.conditions[?(@.type=="Ready")].status} and, applied to an object's JSON,
 * returns the values it selects. Supports fields ({@code .a}, {@code ['a']}), indexes ({@code [0]},
 * {@code [-1]}), wildcards ({@code [*]}, {@code .*}) and equality filters ({@code ==}, {@code !=}
 * against a quoted string, a number, true or false).
 */
final class PrinterPath {

  /** One step of the path: adds what it selects in {@code node} to {@code out}. */
  private sealed interface Step permits Field, Index, All, Filter {
    void select(JsonNode node, List<JsonNode> out);
  }

  private record Field(String name) implements Step {
    @Override
    public void select(JsonNode node, List<JsonNode> out) {
      if (node.isObject() && node.has(name)) {
        out.add(node.get(name));
      }
    }
  }

  private record Index(int index) implements Step {
    @Override
    public void select(JsonNode node, List<JsonNode> out) {
      if (node.isArray()) {
        int at = index < 0 ? node.size() + index : index;
        if (at >= 0 && at < node.size()) {
          out.add(node.get(at));
        }
      }
    }
  }

  private record All() implements Step {
    @Override
    public void select(JsonNode node, List<JsonNode> out) {
      if (node.isContainerNode()) {
        node.elements().forEachRemaining(out::add);
      }
    }
  }

  private record Filter(PrinterPath left, boolean equal, Object literal) implements Step {
    @Override
    public void select(JsonNode node, List<JsonNode> out) {
      if (node.isArray()) {
        for (JsonNode element : node) {
          List<JsonNode> value = left.find(element);
          // Like client-go: an element without the compared field matches neither == nor !=.
          if (!value.isEmpty() && sameValue(value.get(0), literal) == equal) {
            out.add(element);
          }
        }
      }
    }
  }

  private final List<Step> steps;

  private PrinterPath(List<Step> steps) {
    this.steps = steps;
  }

  /** Parses {@code path}, with or without the surrounding braces kubectl templates use. */
  static PrinterPath parse(String path) {
    String p = path.strip();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1).strip();
    }
    Parser parser = new Parser(p);
    PrinterPath parsed = parser.path();
    if (!parser.atEnd()) {
      throw parser.error();
    }
    return parsed;
  }

  /** Every value the path selects in {@code root}, in document order; empty when none. */
  List<JsonNode> find(JsonNode root) {
    List<JsonNode> current = List.of(root);
    for (Step step : steps) {
      List<JsonNode> next = new ArrayList<>();
      for (JsonNode node : current) {
        step.select(node, next);
      }
      current = next;
    }
    return current;
  }

  private static boolean sameValue(JsonNode node, Object literal) {
    if (literal instanceof String s) {
      return node.isTextual() && node.asText().equals(s);
    }
    if (literal instanceof Boolean b) {
      return node.isBoolean() && node.asBoolean() == b;
    }
    return node.isNumber() && node.asDouble() == (Double) literal;
  }

  /** A recursive-descent reader of the grammar above. */
  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return at == text.length();
    }

    IllegalArgumentException error() {
      return new IllegalArgumentException(
          "unsupported printer column path '" + text + "' at position " + at);
    }

    PrinterPath path() {
      List<Step> steps = new ArrayList<>();
      while (!atEnd() && (peek() == '.' || peek() == '[')) {
        if (peek() == '.') {
          at++;
          if (!atEnd() && peek() == '*') {
            at++;
            steps.add(new All());
          } else {
            steps.add(new Field(name()));
          }
        } else {
          steps.add(bracket());
        }
      }
      return new PrinterPath(steps);
    }

    private String name() {
      int start = at;
      while (!atEnd() && peek() != '.' && peek() != '[' && !isFilterSyntax(peek())) {
        at++;
      }
      if (start == at) {
        throw error();
      }
      return text.substring(start, at);
    }

    private static boolean isFilterSyntax(char c) {
      return c == '=' || c == '!' || c == ')' || c == ']' || Character.isWhitespace(c);
    }

    private Step bracket() {
      expect('[');
      Step step;
      if (peek() == '*') {
        at++;
        step = new All();
      } else if (peek() == '\'' || peek() == '"') {
        step = new Field(quoted());
      } else if (text.startsWith("?(", at)) {
        at += 2;
        skipSpaces();
        expect('@');
        PrinterPath left = path();
        skipSpaces();
        boolean equal;
        if (text.startsWith("==", at)) {
          equal = true;
        } else if (text.startsWith("!=", at)) {
          equal = false;
        } else {
          throw error();
        }
        at += 2;
        skipSpaces();
        Object literal = literal();
        skipSpaces();
        expect(')');
        step = new Filter(left, equal, literal);
      } else {
        int start = at;
        if (peek() == '-') {
          at++;
        }
        while (!atEnd() && Character.isDigit(peek())) {
          at++;
        }
        try {
          step = new Index(Integer.parseInt(text.substring(start, at)));
        } catch (NumberFormatException e) {
          throw error();
        }
      }
      expect(']');
      return step;
    }

    private Object literal() {
      if (peek() == '\'' || peek() == '"') {
        return quoted();
      }
      int start = at;
      while (!atEnd() && peek() != ')' && !Character.isWhitespace(peek())) {
        at++;
      }
      String word = text.substring(start, at);
      if (word.equals("true") || word.equals("false")) {
        return Boolean.valueOf(word);
      }
      try {
        return Double.valueOf(word);
      } catch (NumberFormatException e) {
        throw error();
      }
    }

    private String quoted() {
      char quote = text.charAt(at++);
      StringBuilder out = new StringBuilder();
      while (!atEnd() && peek() != quote) {
        char c = text.charAt(at++);
        if (c == '\\' && !atEnd()) {
          c = text.charAt(at++);
        }
        out.append(c);
      }
      expect(quote);
      return out.toString();
    }

    private void skipSpaces() {
      while (!atEnd() && Character.isWhitespace(peek())) {
        at++;
      }
    }

    private char peek() {
      if (atEnd()) {
        throw error();
      }
      return text.charAt(at);
    }

    private void expect(char c) {
      if (atEnd() || text.charAt(at) != c) {
        throw error();
      }
      at++;
    }
  }
}
