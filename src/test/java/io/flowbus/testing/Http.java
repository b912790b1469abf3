package io.flowbus.testing;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A small HTTP client for tests: requests against one base URL, answers as text or JSON. */
public final class Http {
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final String base;
  private final Map<String, String> defaultHeaders;

  public Http(String base) {
    this(base, Map.of());
  }

  public Http(String base, Map<String, String> defaultHeaders) {
    this.base = base;
    this.defaultHeaders = defaultHeaders;
  }

  public Http withHeaders(Map<String, String> headers) {
    return new Http(base, headers);
  }

  /** One answer. */
  public record Response(int status, Map<String, List<String>> headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  /** The number of SSE streams the node holds open now ({@code /metrics}, which must be open). */
  public int openEventStreams() {
    Matcher m = OPEN_STREAMS.matcher(get("/metrics").body());
    if (!m.find()) {
      throw new AssertionError("no flowbus_event_streams_open in /metrics");
    }
    return (int) Double.parseDouble(m.group(1));
  }

  private static final Pattern OPEN_STREAMS =
      Pattern.compile("(?m)^flowbus_event_streams_open\\s+(\\S+)$");

  public Response get(String path) {
    return send("GET", path, null, null, Map.of());
  }

  public Response post(String path) {
    return send("POST", path, null, null, Map.of());
  }

  public Response post(String path, JsonObject body) {
    return send("POST", path, body.encode(), "application/json", Map.of());
  }

  public Response post(String path, Map<String, String> headers) {
    return send("POST", path, null, null, headers);
  }

  public Response put(String path, String body, String contentType) {
    return send("PUT", path, body, contentType, Map.of());
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null, Map.of());
  }

  public Response send(
      String method, String path, String body, String contentType, Map<String, String> headers) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    defaultHeaders.forEach(request::header);
    headers.forEach(request::header);
    try {
      HttpResponse<String> response =
          CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Reads a Server-Sent Events stream until the server ends it; returns the events in order. */
  public List<JsonObject> events(String path) {
    return events(path, () -> {});
  }

  /** The same, calling {@code onFirst} once the first event has come. */
  public List<JsonObject> events(String path, Runnable onFirst) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(120))
            .GET()
            .build();
    List<JsonObject> events = new ArrayList<>();
    try {
      HttpResponse<java.util.stream.Stream<String>> response =
          CLIENT.send(request, HttpResponse.BodyHandlers.ofLines());
      String type = null;
      for (String line : (Iterable<String>) response.body()::iterator) {
        if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          events.add(
              new JsonObject().put("type", type).put("data", new JsonObject(line.substring(6))));
          if (events.size() == 1) {
            onFirst.run();
          }
        }
      }
      return events;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String base() {
    return base;
  }

  /**
   * What the server answers, status line, headers and body, to {@code requestLine} (say {@code POST
   * /api/runs}) with {@code headers} ({@code Name: value}), sent on a socket as they are and in
   * {@code charset}: what an HTTP client would refuse to send, change, or send once.
   */
  public String raw(Charset charset, String requestLine, String... headers) {
    URI uri = URI.create(base);
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(10_000);
      socket
          .getOutputStream()
          .write(
              (requestLine
                      + " HTTP/1.1\r\nHost: x\r\n"
                      + String.join("\r\n", headers)
                      + (headers.length > 0 ? "\r\n" : "")
                      + "Content-Length: 0\r\nConnection: close\r\n\r\n")
                  .getBytes(charset));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
