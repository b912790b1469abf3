package io.flowbus.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Real processes watched by {@link CommandWatch}: how many threads each takes, and its output. */
class CommandWatchTest {
  private final ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newCachedThreadPool();
  private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
  private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  private Process process;

  @AfterEach
  void tearDown() {
    if (process != null) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
    pool.shutdownNow();
  }

  @Test
  void aCommandThatEndsAtOnceTakesOneThreadForItsExitAndItsOutput() throws Exception {
    CommandWatch watch = watch("echo out; echo err >&2", Duration.ofSeconds(30));

    watch.drained().get();

    assertThat(watch.exited().get()).isZero();
    assertThat(pool.getTaskCount()).isEqualTo(1);
    assertThat(text(stdout)).isEqualTo("out\n");
    assertThat(text(stderr)).isEqualTo("err\n");
  }

  @Test
  void aCommandStillRunningGetsAThreadPerPipeAndItsOutputIsCopiedWhileItRuns() throws Exception {
    CommandWatch watch = watch("echo started; sleep 30", CommandWatch.QUICK);

    await().atMost(Duration.ofSeconds(5)).until(() -> text(stdout).equals("started\n"));

    assertThat(watch.exited()).isNotDone();
    assertThat(pool.getTaskCount()).isEqualTo(3);
  }

  @Test
  void moreOutputThanAPipeHoldsIsCopiedWholeFromBothStreams() throws Exception {
    // 1 MiB on each stream: the process blocks on full pipes until their threads come
    CommandWatch watch =
        watch(
            "head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; head -c 7 /dev/zero",
            CommandWatch.QUICK);

    watch.drained().get();

    assertThat(watch.exited().get()).isZero();
    assertThat(stdout.size()).isEqualTo(1048576 + 7);
    assertThat(stderr.size()).isEqualTo(1048576);
  }

  @Test
  void theExitIsToldWhileABackgroundChildStillHoldsAPipe() throws Exception {
    CommandWatch watch = watch("sleep 30 & exit 3", Duration.ofSeconds(30));

    // whether the pipes count as drained then depends on who reads them first: the JDK moves what
    // they hold into memory when the process exits, a read that came before waits for the child
    assertThat(watch.exited().get(5, TimeUnit.SECONDS)).isEqualTo(3);
  }

  @Test
  void withoutAQuickTimeThePipesGetThreadsAtOnceEvenForACommandThatEndsAtOnce() throws Exception {
    CommandWatch watch = watch("echo out", Duration.ZERO);

    watch.drained().get(5, TimeUnit.SECONDS);

    assertThat(pool.getTaskCount()).isEqualTo(3);
    assertThat(text(stdout)).isEqualTo("out\n");
  }

  @Test
  void aPoolThatStopsTakingThreadsStillGetsTheExitAndTheOutputTold() throws Exception {
    ExecutorService single = Executors.newSingleThreadExecutor();
    process = new ProcessBuilder(List.of("sh", "-c", "echo out; echo err >&2; sleep 0.2")).start();
    CommandWatch watch = new CommandWatch(process, stdout, stderr, Duration.ZERO);
    watch.start(single);
    single.shutdown(); // the watch runs; the pumps it asks for are refused

    assertThat(watch.exited().get(5, TimeUnit.SECONDS)).isZero();
    watch.drained().get(5, TimeUnit.SECONDS);
    assertThat(text(stdout)).isEqualTo("out\n");
    assertThat(text(stderr)).isEqualTo("err\n");
  }

  private CommandWatch watch(String script, Duration quick) throws IOException {
    process = new ProcessBuilder(List.of("sh", "-c", script)).start();
    process.getOutputStream().close();
    CommandWatch watch = new CommandWatch(process, stdout, stderr, quick);
    watch.start(pool);
    return watch;
  }

  private static String text(ByteArrayOutputStream out) {
    return out.toString(StandardCharsets.UTF_8);
  }
}
