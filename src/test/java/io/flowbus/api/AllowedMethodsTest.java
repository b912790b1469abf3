package io.flowbus.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllowedMethodsTest {
  @ParameterizedTest
  @CsvSource({
    "/api/runs, /api/runs, true",
    "/api/runs, /api/runs/x, false",
    "/api/runs/:id, /api/runs/20260101-000000-000-abcd, true",
    "/api/runs/:id, /api/runs/, false",
    "/api/runs/:id/start, /api/runs/r/start, true",
    "/api/runs/:id/start, /api/runs/r/cancel, false",
    "/assets/*, /assets/app.js, true",
    "/assets/*, /api/assets, false",
    "/api/runs/:id/files/*, /api/runs/r/files/a.txt, true",
    "/api/runs/:id/files/*, /api/runs/r/files/out/b.txt, true",
    "/api/runs/:id/files/*, /api/runs/r/logs/a.txt, false",
  })
  void aPathFitsAPatternSegmentBySegment(String pattern, String path, boolean fits) {
    assertThat(AllowedMethods.fits(pattern, path)).isEqualTo(fits);
  }
}
