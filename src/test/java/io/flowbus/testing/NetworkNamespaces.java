package io.flowbus.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts of their own on this machine: one network namespace per host, each with its own address on
 * a bridge, as containers on a compose network. Needs root and iproute2.
 */
public final class NetworkNamespaces implements AutoCloseable {
  private final String id = Integer.toString(ThreadLocalRandom.current().nextInt(1000, 9999));
  private final int subnet = ThreadLocalRandom.current().nextInt(100, 250);
  private final String bridge = "fbbr" + id;
  private final List<String> namespaces = new ArrayList<>();

  /** Whether this machine lets us make namespaces (root, iproute2, a kernel that allows it). */
  public static boolean available() {
    try {
      String probe = "fbprobe" + ProcessHandle.current().pid();
      boolean ok = run("ip", "netns", "add", probe) == 0;
      run("ip", "netns", "del", probe);
      return ok;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The bridge, with the address this (root) namespace reaches the hosts from. */
  public NetworkNamespaces up() {
    check("ip", "link", "add", bridge, "type", "bridge");
    check("ip", "addr", "add", gateway() + "/24", "dev", bridge);
    check("ip", "link", "set", bridge, "up");
    return this;
  }

  /**
   * Adds host number {@code n} (1..250) with address {@link #address(int)}; {@code hosts} become
   * its /etc/hosts (names to addresses), as a compose network resolves service names.
   */
  public String addHost(int n, Map<String, List<String>> hosts) throws IOException {
    String ns = "fbns" + id + "-" + n;
    String veth = "fbv" + id + n;
    check("ip", "netns", "add", ns);
    namespaces.add(ns);
    check("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns);
    check("ip", "link", "set", veth, "master", bridge);
    check("ip", "link", "set", veth, "up");
    check("ip", "-n", ns, "addr", "add", address(n) + "/24", "dev", "eth0");
    check("ip", "-n", ns, "link", "set", "eth0", "up");
    check("ip", "-n", ns, "link", "set", "lo", "up");
    check("ip", "-n", ns, "route", "add", "default", "via", gateway());
    StringBuilder etcHosts =
        new StringBuilder("127.0.0.1 localhost\n" + address(n) + " " + ns + "\n");
    hosts.forEach(
        (name, addresses) ->
            addresses.forEach(a -> etcHosts.append(a).append(' ').append(name).append('\n')));
    Path dir = Path.of("/etc/netns", ns);
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("hosts"), etcHosts.toString(), StandardCharsets.UTF_8);
    return ns;
  }

  public String address(int n) {
    return "10.231." + subnet + "." + n;
  }

  public String gateway() {
    return "10.231." + subnet + ".254";
  }

  /** The command prefix that runs a program inside host number {@code n}. */
  public List<String> exec(int n) {
    return List.of("ip", "netns", "exec", "fbns" + id + "-" + n);
  }

  @Override
  public void close() {
    for (String ns : namespaces) {
      run("ip", "netns", "del", ns);
      try {
        Path dir = Path.of("/etc/netns", ns);
        Files.deleteIfExists(dir.resolve("hosts"));
        Files.deleteIfExists(dir);
      } catch (IOException e) {
        // left behind in /etc/netns: harmless
      }
    }
    run("ip", "link", "del", bridge);
  }

  private static void check(String... command) {
    if (run(command) != 0) {
      throw new IllegalStateException("failed: " + String.join(" ", command));
    }
  }

  private static int run(String... command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
