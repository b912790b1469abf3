package io.flowbus.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The REST API of one node, for the commands. A problem the server answers becomes a {@link
 * CliException} with its title and detail; a server that cannot be reached, one naming it.
 */
final class ApiClient {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http;
  private final URI base;
  private final String apiKey;

  ApiClient(URI base, String apiKey) {
    this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    this.base = base;
    this.apiKey = apiKey;
  }

  URI base() {
    return base;
  }

  /** A JSON answer, with the headers it came with. */
  record Answer(int status, JsonObject body, java.net.http.HttpHeaders headers) {}

  JsonObject getJson(String path) {
    return json(send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()));
  }

  String getText(String path) {
    return send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  Answer post(String path, JsonObject body, Map<String, String> headers) {
    HttpRequest.Builder request =
        request(path)
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    body == null ? "" : body.encode(), StandardCharsets.UTF_8));
    headers.forEach(
        (name, value) -> {
          if (!value.chars().allMatch(c -> c < 0x80)) {
            // the JDK's client would send '?' in place of each such character, unasked
            throw new CliException(
                Cli.USAGE,
                "the header '"
                    + name
                    + "' cannot be sent: this client sends ASCII header values only (curl can"
                    + " send UTF-8)");
          }
          try {
            request.header(name, value);
          } catch (IllegalArgumentException e) {
            throw new CliException(
                Cli.USAGE, "the header '" + name + "' cannot be sent: " + e.getMessage());
          }
        });
    HttpResponse<String> response = send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), json(response), response.headers());
  }

  JsonObject post(String path) {
    return post(path, null, Map.of()).body();
  }

  /** The lines of a stream that stays open (Server-Sent Events), with no time limit. */
  Stream<String> lines(String path) {
    HttpRequest request = builder(path).header("Accept", "text/event-stream").GET().build();
    return send(request, HttpResponse.BodyHandlers.ofLines()).body();
  }

  private HttpRequest.Builder request(String path) {
    return builder(path).timeout(REQUEST_TIMEOUT);
  }

  /** One path segment (a run, task or job id) percent-encoded, so any text stays one segment. */
  static String segment(String value) {
    return java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8)
        .replace("+", "%20");
  }

  private HttpRequest.Builder builder(String path) {
    URI uri;
    try {
      uri = URI.create(base + path);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          Cli.USAGE, "cannot make a request of '" + path + "': " + e.getMessage());
    }
    HttpRequest.Builder builder = HttpRequest.newBuilder(uri);
    if (apiKey != null) {
      builder.header("X-API-Key", apiKey);
    }
    return builder;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    HttpResponse<T> response;
    try {
      response = http.send(request, handler);
    } catch (ConnectException | HttpConnectTimeoutException e) {
      throw unreachable(e);
    } catch (IOException e) {
      throw new CliException(
          Cli.SERVER, "the request to the flowbus server at " + base + " failed: " + e, true, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(Cli.SERVER, "interrupted", false, e);
    }
    if (response.statusCode() >= 400) {
      throw problem(response);
    }
    return response;
  }

  private CliException unreachable(IOException e) {
    String why =
        e instanceof HttpConnectTimeoutException ? "no answer in time" : "connection refused";
    return new CliException(
        Cli.SERVER,
        "cannot reach the flowbus server at "
            + base
            + " ("
            + why
            + "): is a node running there? Set --server or FLOWBUS_SERVER",
        true,
        e);
  }

  /** The problem an error answer carries, as one line: {@code Not found: no run 42}. */
  private static CliException problem(HttpResponse<?> response) {
    String text = bodyText(response);
    String message;
    try {
      JsonObject problem = new JsonObject(text);
      String title = problem.getString("title", "HTTP " + response.statusCode());
      String detail = problem.getString("detail");
      message = detail == null ? title : title + ": " + detail;
    } catch (DecodeException | ClassCastException e) {
      message = "HTTP " + response.statusCode() + (text.isBlank() ? "" : ": " + text.strip());
    }
    int status = response.statusCode();
    return new CliException(Cli.SERVER, message + " (" + status + ")", status >= 500, null);
  }

  private static String bodyText(HttpResponse<?> response) {
    Object body = response.body();
    if (body instanceof Stream<?> lines) {
      try (lines) {
        return String.join("\n", lines.map(String::valueOf).toList());
      }
    }
    return body == null ? "" : body.toString();
  }

  private static JsonObject json(HttpResponse<String> response) {
    try {
      return response.body().isBlank() ? new JsonObject() : new JsonObject(response.body());
    } catch (DecodeException e) {
      throw new CliException(
          Cli.SERVER, "the server answered something else than JSON: " + e.getMessage(), false, e);
    }
  }
}
