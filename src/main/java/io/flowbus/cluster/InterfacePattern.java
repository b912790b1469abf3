package io.flowbus.cluster;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.regex.Pattern;

/**
 * Finds this machine's IPv4 address that an interface pattern such as {@code 172.28.*.*} matches.
 */
final class InterfacePattern {
  private InterfacePattern() {}

  static String localAddress(String pattern) {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp()) {
          continue;
        }
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
          if (address instanceof Inet4Address && matches(pattern, address.getHostAddress())) {
            return address.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      throw new IllegalStateException("cannot list the network interfaces", e);
    }
    throw new IllegalArgumentException(
        "no address of this machine matches --cluster-interface " + pattern);
  }

  /**
   * Hazelcast's syntax: each of the four parts is a number, {@code *}, or a range {@code 10-20}.
   */
  static boolean matches(String pattern, String ip) {
    String[] want = pattern.split(Pattern.quote("."));
    String[] have = ip.split(Pattern.quote("."));
    if (want.length != 4 || have.length != 4) {
      return false;
    }
    for (int i = 0; i < 4; i++) {
      if (!part(want[i].trim(), Integer.parseInt(have[i]))) {
        return false;
      }
    }
    return true;
  }

  private static boolean part(String want, int have) {
    if (want.equals("*")) {
      return true;
    }
    int dash = want.indexOf('-');
    if (dash > 0) {
      return have >= Integer.parseInt(want.substring(0, dash))
          && have <= Integer.parseInt(want.substring(dash + 1));
    }
    return Integer.parseInt(want) == have;
  }
}
