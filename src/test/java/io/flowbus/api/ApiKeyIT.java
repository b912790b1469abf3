package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.Node;
import io.flowbus.testing.Http;
import io.flowbus.testing.TestNodes;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With FLOWBUS_API_KEY set, every /api request needs X-API-Key; the operations endpoints do not.
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
}
