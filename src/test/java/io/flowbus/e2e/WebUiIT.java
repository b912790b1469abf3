package io.flowbus.e2e;

import static io.flowbus.testing.DefinitionsBuilder.aDefinitions;
import static org.assertj.core.api.Assertions.assertThat;

import io.flowbus.testing.Browser;
import io.flowbus.testing.Http;
import io.flowbus.testing.JarNode;
import io.flowbus.testing.JobBuilder;
import io.flowbus.testing.Runs;
import io.flowbus.testing.TaskClassBuilder;
import io.flowbus.testing.TestNodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The web UI in a real headless Chromium against {@code java -jar flowbus.jar} with API keys: the
 * key prompt, the word count started from its form and followed live to the end, a task's log,
 * pause, resume and cancel, markup in an input shown as text, and a read key that sees no buttons.
 */
class WebUiIT {
  private static final String OPERATE_KEY = "0perate-k3y";
  private static final String READ_KEY = "re4d-k3y";
  private static final String MARKUP = "<script>alert(1)</script>";

  @TempDir static Path work;
  private static JarNode node;
  private static String url;

  @BeforeAll
  static void start() throws Exception {
    if (!Browser.installed()) {
      return; // each test is skipped: no node to start for nothing
    }
    Path definitions =
        aDefinitions()
            .task(
                TaskClassBuilder.aTask("nap")
                    .shell("echo \"$1\"; sleep \"$2\"", "{note}", "{seconds}")
                    .parameter("note")
                    .parameter("seconds", "60"))
            .job(
                JobBuilder.aJob("nap")
                    .parameter("note")
                    .parameter("seconds", "60")
                    .stage("nap", "nap"))
            .besideTheExample(Files.createDirectories(work.resolve("definitions")));
    Path keys =
        Files.writeString(work.resolve("keys"), OPERATE_KEY + " operate\n" + READ_KEY + " read\n");
    List<String> args =
        List.of(
            "--config", definitions.toString(),
            "--data-dir", work.resolve("data").toString(),
            "--cluster-name", TestNodes.uniqueClusterName(),
            "--api-keys-file", keys.toString(),
            // the naps of the other tests never hold every slot the word count needs
            "--slots", "6");
    int port = TestNodes.freePort();
    node = JarNode.start(work, port, args, Map.of()).awaitReady();
    url = "http://127.0.0.1:" + port + "/";
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theWordCountStartsFromItsFormAndItsStagesFillLive() {
    try (Browser browser = Browser.headless()) {
      signIn(browser, OPERATE_KEY);
      browser.click("nav a[data-nav=jobs]");
      browser.click("tr[data-job=word-count] a");
      browser.type("input[name=lines_per_section]", "10");
      // a mark the page loses if it is ever loaded again
      browser.driver().executeScript("window.notReloaded = true");
      browser.click("#start-run");
      String id = browser.awaitRoute("/runs/[^/]+").replaceAll(".*#/runs/", "");

      browser.await(".stage[data-stage='2']");
      Http http = node.http().withHeaders(Map.of("X-API-Key", OPERATE_KEY));
      browser
          .waiting()
          .withMessage(
              () ->
                  "the page shows "
                      + browser.text(".stages")
                      + "; the API "
                      + http.get("/api/runs/" + id).body())
          .until(
              d ->
                  browser.all(".stage").size() == 3
                      && browser.all(".stage[data-state=SUCCEEDED]").size() == 3);
      browser.awaitText(".run-head h1 .badge", "SUCCEEDED");
      assertThat(browser.driver().executeScript("return window.notReloaded === true"))
          .as("the stages filled without a reload")
          .isEqualTo(true);
      String counted = browser.textOf(".stage[data-stage='0'] .counts");
      assertThat(counted).matches("(\\d+)/\\1 done.*");
      assertThat(Integer.parseInt(counted.substring(0, counted.indexOf('/')))).isGreaterThan(1);
      browser.await(".files a[href$='result/summary.txt']");
      browser.screenshot(Path.of("target/screenshots/run-page.png"));

      browser.click("tr[data-task$='-t0'] [data-log=stdout]");
      browser.waiting().until(d -> !browser.textOf("#log-text").equals("Loading…"));
      assertThat(browser.textOf(".log h3")).contains("-t0").contains("stdout");
    }
  }

  @Test
  void aRunIsPausedResumedAndCancelledAndMarkupInItsInputsStaysText() {
    try (Browser browser = Browser.headless()) {
      signIn(browser, OPERATE_KEY);
      browser.open(url + "#/jobs/nap");
      browser.type("input[name=note]", MARKUP);
      browser.click("#start-run");
      browser.awaitRoute("/runs/[^/]+");

      browser.awaitText(".run-head h1 .badge", "RUNNING");
      browser.click("[data-action=pause]");
      browser.awaitText(".run-head h1 .badge", "PAUSED");
      browser.click("[data-action=resume]");
      browser.awaitText(".run-head h1 .badge", "RUNNING");

      assertThat(browser.textOf(".inputs .value")).isEqualTo(MARKUP);
      browser.click("tr[data-task] [data-log=stdout]");
      browser.awaitText("#log-text", MARKUP);
      assertThat(browser.all("main script")).as("no markup from data in the page").isEmpty();
      assertThat(ExpectedConditions.alertIsPresent().apply(browser.driver())).isNull();

      browser.click("[data-action=cancel]");
      browser.awaitText(".run-head h1 .badge", "CANCELLED");
      browser.await("[data-action=retry]");
    }
  }

  @Test
  void aReadKeySeesRunsButNoButtons() {
    try (Browser browser = Browser.headless()) {
      Http http = node.http().withHeaders(Map.of("X-API-Key", OPERATE_KEY));
      String id = Runs.create(http, "/api/jobs/nap/runs?note=n&seconds=60");
      signIn(browser, READ_KEY);
      browser.awaitText("#role", "read-only key");
      browser.open(url + "#/runs/" + id);
      browser.awaitText(".run-head h1", id);
      browser.await(".stage[data-stage='0']");
      assertThat(browser.all(".actions button")).isEmpty();

      browser.open(url + "#/jobs/word-count");
      browser.awaitText(".job-form", "may only read");
      assertThat(browser.all("#start-run")).isEmpty();
      assertThat(http.post("/api/runs/" + id + "/cancel").status()).isEqualTo(200);
    }
  }

  @Test
  void theRunsListFollowsItsFiltersLiveAndTheClusterAndSchedulesShow() {
    try (Browser browser = Browser.headless()) {
      Http http = node.http().withHeaders(Map.of("X-API-Key", OPERATE_KEY));
      String id = Runs.create(http, "/api/jobs/nap/runs?note=n&seconds=60");
      signIn(browser, OPERATE_KEY);
      browser.select(".filters select[name=job]", "nap");
      browser.select(".filters select[name=state]", "RUNNING");
      String row = "tr[data-run='" + id + "']";
      browser.awaitText(row, "RUNNING");
      assertThat(browser.all("table.runs tbody tr"))
          .allSatisfy(tr -> assertThat(tr.getText()).contains("nap").contains("RUNNING"));

      assertThat(http.post("/api/runs/" + id + "/cancel").status()).isEqualTo(200);
      browser.waiting().until(d -> browser.all(row).isEmpty());
      browser.select(".filters select[name=state]", "CANCELLED");
      browser.awaitText(row, "CANCELLED");

      browser.click("nav a[data-nav=cluster]");
      browser.awaitText("tr[data-node]", "(this node)");
      assertThat(browser.textOf("tr[data-node]")).contains("leader").contains("controller");
      browser.await("tr[data-node] meter");

      browser.click("nav a[data-nav=schedules]");
      browser.awaitText("main", "No schedules.");
    }
  }

  /** Opens the UI, is asked for the key, gives a wrong one, is asked again, gives {@code key}. */
  private static void signIn(Browser browser, String key) {
    browser.open(url);
    browser.type("#api-key", "not-a-key");
    browser.click("form.key button");
    browser.awaitText("form.key", "That key was not accepted.");
    browser.type("#api-key", key);
    browser.click("form.key button");
    browser.awaitText("main h1", "Runs");
  }
}
