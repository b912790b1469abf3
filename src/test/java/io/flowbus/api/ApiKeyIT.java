package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.Node;
import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.TestNodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With FLOWBUS_API_KEY set, every /api request needs X-API-Key; the operations endpoints do not. A
 * bad keys file stops the node.
 */
class ApiKeyIT {
  @TempDir Path data;

  @Test
  void everyApiRequestNeedsTheKey() {
    Node node = TestNodes.startAlone("src/test/resources/it/test_jobs.yaml", data, 2, "k3y");
    try {
      Http http = TestNodes.http(node);
      Http.Response without = http.get("/api/jobs");
      assertThat(without.status()).isEqualTo(401);
      assertThat(without.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(http.withHeaders(Map.of("X-API-Key", "wrong")).get("/api/runs").status())
          .isEqualTo(401);
      assertThat(http.post("/api/jobs/single/runs").status()).isEqualTo(401);
      assertThat(http.withHeaders(Map.of("X-API-Key", "k3y")).get("/api/jobs").status())
          .isEqualTo(200);
      assertThat(
              http.withHeaders(Map.of("X-API-Key", "k3y")).post("/api/jobs/single/runs").status())
          .isEqualTo(201);
      assertThat(http.withHeaders(Map.of("Authorization", "Bearer k3y")).get("/api/jobs").status())
          .isEqualTo(401);
      assertThat(http.get("/health").status()).isEqualTo(200);
      assertThat(http.get("/ready").status()).isEqualTo(200);
    } finally {
      node.stopAndWait();
    }
  }

  @Test
  void theKeyCanComeFromAFileAndIsThenNotInTheNodesEnvironment() throws Exception {
    Path keyFile = Files.writeString(data.resolve("api.key"), "from-the-file\n");
    List<String> args =
        List.of(
            "--config",
            Path.of("src/test/resources/it/test_jobs.yaml").toAbsolutePath().toString(),
            "--data-dir",
            data.resolve("data").toString(),
            "--cluster-name",
            TestNodes.uniqueClusterName());
    int port = TestNodes.freePort();
    try (JarNode node =
        JarNode.start(data, port, args, Map.of("FLOWBUS_API_KEY_FILE", keyFile.toString()))
            .awaitReady()) {
      Http http = node.http();
      assertThat(http.get("/api/jobs").status()).isEqualTo(401);
      assertThat(http.withHeaders(Map.of("X-API-Key", "from-the-file")).get("/api/jobs").status())
          .isEqualTo(200);
      String environ =
          new String(
              Files.readAllBytes(Path.of("/proc", Long.toString(node.pid()), "environ")),
              StandardCharsets.UTF_8);
      assertThat(environ).contains("FLOWBUS_API_KEY_FILE=").doesNotContain("from-the-file");
    }
  }

  @Test
  void aMissingOrEmptyKeyFileStopsTheNodeNamingIt() throws Exception {
    Path missing = data.resolve("no-such.key");
    JarNode.Result none = JarNode.run(data, List.of("--api-key-file", missing.toString()));
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.output()).contains("--api-key-file " + missing + " does not exist");

    Path empty = Files.writeString(data.resolve("empty.key"), "\n");
    JarNode.Result blank = JarNode.run(data, List.of("--api-key-file", empty.toString()));
    assertThat(blank.exitCode()).isEqualTo(2);
    assertThat(blank.output()).contains("--api-key-file " + empty + " holds no key");
  }

  @Test
  void aBadLineInTheKeysFileStopsTheNodeNamingFileAndLineButNotTheKey() throws Exception {
    Path keys =
        Files.writeString(
            data.resolve("keys"), "# the teams' keys\nm0n-k3y read\n\n0ps-k3y operator\n");

    JarNode.Result bad = JarNode.run(data, List.of("--api-keys-file", keys.toString()));

    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.output())
        .contains(
            "flowbus: --api-keys-file " + keys + " line 4: the role must be read, operate or admin")
        .doesNotContain("0ps-k3y")
        .doesNotContain("m0n-k3y");
  }
}
