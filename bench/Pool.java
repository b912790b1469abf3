import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The JVM's own limit: a bare thread pool that spawns the same command COUNT times, THREADS at a
 * time, after WARMUP spawns. Usage: java Pool COUNT THREADS WARMUP command [args...]. Prints
 * "seconds cpu_ms_per_task": the wall time of the COUNT spawns and this JVM's own user+system CPU
 * (from /proc/self/stat, children excluded) per spawn. The launch mechanism is the JDK's default
 * unless -Djdk.lang.Process.launchMechanism says otherwise.
 */
public final class Pool {
  public static void main(String[] args) throws Exception {
    int count = Integer.parseInt(args[0]);
    int threads = Integer.parseInt(args[1]);
    int warmup = Integer.parseInt(args[2]);
    List<String> command = Arrays.asList(args).subList(3, args.length);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    spawn(pool, warmup, command);
    long cpu = cpuTicks();
    long start = System.nanoTime();
    spawn(pool, count, command);
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuMs = (cpuTicks() - cpu) * 10.0 / count;
    pool.shutdown();
    System.out.printf("%.3f %.4f%n", seconds, cpuMs);
  }

  private static void spawn(ExecutorService pool, int count, List<String> command)
      throws InterruptedException {
    ExecutorService batch = pool;
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(count);
    File devNull = new File("/dev/null");
    for (int i = 0; i < count; i++) {
      batch.execute(
          () -> {
            try {
              new ProcessBuilder(command)
                  .redirectInput(ProcessBuilder.Redirect.from(devNull))
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .redirectError(ProcessBuilder.Redirect.DISCARD)
                  .start()
                  .waitFor();
            } catch (Exception e) {
              throw new IllegalStateException(e);
            } finally {
              done.countDown();
            }
          });
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException("spawns did not end");
    }
  }

  /** utime + stime of this process, in clock ticks (10 ms). */
  private static long cpuTicks() throws Exception {
    String stat = Files.readString(Path.of("/proc/self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
  }
}
