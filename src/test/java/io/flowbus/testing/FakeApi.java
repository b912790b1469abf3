package io.flowbus.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a node's REST API on a free local port: each {@code METHOD path} answers what the
 * test set, and every request is kept to be looked at. Anything not set is a 404 problem.
 */
public final class FakeApi implements AutoCloseable {
  /** A request as it came. */
  public record Request(String method, String uri, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0))
          .findFirst()
          .orElse(null);
    }
  }

  /** An answer to give. */
  public record Answer(int status, String contentType, String body, Map<String, String> headers) {
    public static Answer json(int status, String body) {
      return new Answer(status, "application/json", body, Map.of());
    }

    public static Answer problem(int status, String title, String detail) {
      String body =
          new io.vertx.core.json.JsonObject()
              .put("type", "about:blank")
              .put("title", title)
              .put("status", status)
              .put("detail", detail)
              .encode();
      return new Answer(status, "application/problem+json", body, Map.of());
    }

    public Answer withHeader(String name, String value) {
      Map<String, String> all = new java.util.HashMap<>(headers);
      all.put(name, value);
      return new Answer(status, contentType, body, all);
    }
  }

  private final HttpServer server;
  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  public FakeApi() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.start();
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** {@code METHOD path} (the path without its query) answers {@code answer} from now on. */
  public FakeApi on(String method, String path, Answer answer) {
    answers.put(method + " " + path, answer);
    return this;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String method = exchange.getRequestMethod();
    requests.add(
        new Request(
            method,
            exchange.getRequestURI().toString(),
            Map.copyOf(exchange.getRequestHeaders()),
            body));
    Answer answer =
        answers.getOrDefault(
            method + " " + exchange.getRequestURI().getPath(),
            Answer.problem(404, "Not found", "no resource at " + exchange.getRequestURI()));
    byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", answer.contentType());
    answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
