package io.flowbus.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.flowbus.cluster.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * JSON request bodies read strictly, so that what reaches a run is what the client sent: a key
 * given twice in one object, a number with a fraction or exponent that a 64-bit float cannot hold
 * exactly ({@code 1e400} would become {@code Infinity}) and a NUL character in a key or string are
 * refused with a 400 naming them. An integer is kept exactly (up to Jackson's 1,000 digits).
 */
final class StrictJson {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private StrictJson() {}

  /**
   * A body read: its value, and the text each number had in it, by JSON Pointer ({@code 1e2} stays
   * {@code 1e2}, {@code -0} stays {@code -0}, where the decoded value would say 100.0 and 0).
   */
  record Parsed(Object value, Map<String, String> numberTexts) {
    /** The text of the number at {@code pointer}, as the client wrote it; null if none is there. */
    String numberText(String pointer) {
      return numberTexts.get(pointer);
    }

    /** The text of input {@code name}'s number ({@code /inputs/<name>}); null if it is none. */
    String inputNumberText(String name) {
      return numberText("/inputs/" + name.replace("~", "~0").replace("/", "~1"));
    }
  }

  /** The decoded value (a JsonObject, JsonArray, String, Number, Boolean or null), checked. */
  static Object parse(Buffer body) {
    return read(body).value();
  }

  /** The decoded value, checked, with the text of the numbers of its {@code inputs}. */
  static Parsed read(Buffer body) {
    Map<String, String> numbers = check(body.getBytes());
    try {
      return new Parsed(Json.decodeValue(body), numbers);
    } catch (DecodeException e) {
      throw ProblemException.badRequest("the body is not valid JSON: " + e.getMessage());
    }
  }

  private static Map<String, String> check(byte[] body) {
    Map<String, String> numbers = new HashMap<>();
    try (JsonParser parser = FACTORY.createParser(body)) {
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        switch (token) {
          case FIELD_NAME -> noNul(parser, parser.currentName(), "key");
          case VALUE_STRING -> noNul(parser, parser.getText(), "string");
          case VALUE_NUMBER_FLOAT -> {
            exact(parser);
            keepIfInput(parser, numbers);
          }
          case VALUE_NUMBER_INT -> keepIfInput(parser, numbers);
          default -> {
            // the rest has no content to check
          }
        }
      }
      return numbers;
    } catch (StreamReadException e) {
      throw ProblemException.badRequest(
          "the body is not valid JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null
                  ? ""
                  : " (line "
                      + e.getLocation().getLineNr()
                      + ", column "
                      + e.getLocation().getColumnNr()
                      + ")"));
    } catch (IOException e) {
      throw ProblemException.badRequest("the body cannot be read as JSON: " + e.getMessage());
    }
  }

  /**
   * Keeps the text of a number that is an input ({@code /inputs/<name>}): only those, so that a
   * body of a million numbers costs no more than its decoded value.
   */
  private static void keepIfInput(JsonParser parser, Map<String, String> numbers)
      throws IOException {
    JsonStreamContext value = parser.getParsingContext();
    JsonStreamContext inputs = value.getParent();
    if (value.inObject()
        && inputs != null
        && inputs.inObject()
        && "inputs".equals(inputs.getCurrentName())
        && inputs.getParent() != null
        && inputs.getParent().inRoot()) {
      numbers.put(where(parser), parser.getText());
    }
  }

  private static void noNul(JsonParser parser, String text, String what) {
    if (text.indexOf('\0') >= 0) {
      throw ProblemException.badRequest(
          "a "
              + what
              + " in the body holds a NUL character (\\u0000) at '"
              + where(parser)
              + "'; NUL cannot be passed on to a task");
    }
  }

  private static void exact(JsonParser parser) throws IOException {
    double value = parser.getDoubleValue();
    String text = parser.getText();
    if (Double.isInfinite(value)) {
      throw ProblemException.badRequest(
          "the number "
              + text
              + " at '"
              + where(parser)
              + "' is beyond the range of a 64-bit float; send it as a string");
    }
    if (new BigDecimal(Double.toString(value)).compareTo(parser.getDecimalValue()) != 0) {
      throw ProblemException.badRequest(
          "the number "
              + text
              + " at '"
              + where(parser)
              + "' cannot be kept exactly as a 64-bit float; send it as a string");
    }
  }

  /** A JSON Pointer to the current value, NUL made visible. */
  private static String where(JsonParser parser) {
    String pointer = parser.getParsingContext().pathAsPointer().toString();
    return (pointer.isEmpty() ? "/" : pointer).replace("\0", "\\u0000");
  }
}
