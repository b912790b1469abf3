package io.flowbus.cli;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code --server} and {@code --api-key}, shared by every command that talks to a node. */
final class ServerOptions {
  static final String DEFAULT_SERVER = "http://localhost:8080";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description = "[FLOWBUS_SERVER] the node to talk to (default: " + DEFAULT_SERVER + ")")
  String server;

  @Option(
      names = "--api-key",
      paramLabel = "KEY",
      description =
          "[FLOWBUS_API_KEY] sent as X-API-Key; prefer the variable: a flag shows in the process"
              + " list")
  String apiKey;

  /** The client for the server and key given, else those of the environment, else the default. */
  ApiClient client(Map<String, String> environment) {
    String url = firstOf(server, environment.get("FLOWBUS_SERVER"), DEFAULT_SERVER);
    String key = firstOf(apiKey, environment.get("FLOWBUS_API_KEY"), null);
    return new ApiClient(base(url), key);
  }

  private static URI base(String url) {
    String trimmed = url.strip().replaceAll("/+$", "");
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new CliException(Cli.USAGE, "the server '" + url + "' is not a URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw new CliException(
          Cli.USAGE,
          "the server '" + url + "' must be an http:// or https:// URL, such as " + DEFAULT_SERVER);
    }
    return uri;
  }

  private static String firstOf(String a, String b, String fallback) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : fallback;
  }
}
