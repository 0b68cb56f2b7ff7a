package org.xmtpj.node.ratelimit;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Who a request counts against: its source network, not its exact address. One host easily holds many addresses
 * (every 127/8 address on loopback, a whole IPv6 /64 on one interface), so an IPv4 address counts as its /24 and an
 * IPv6 address as its /64. Behind a reverse proxy every request comes from the proxy: the client is then the
 * right-most address of {@code X-Forwarded-For} that is not itself a trusted proxy, and only when the request came
 * from a trusted proxy (anyone else can write that header).
 */
public final class ClientAddress {
  private final List<Cidr> trustedProxies;

  /** @param trustedProxies addresses or CIDR blocks ({@code 10.0.0.0/8}, {@code ::1}) of the node's proxies */
  public ClientAddress(List<String> trustedProxies) {
    List<Cidr> parsed = new ArrayList<>();
    for (String p : trustedProxies) {
      parsed.add(Cidr.parse(p));
    }
    this.trustedProxies = List.copyOf(parsed);
  }

  /** The key of a request from {@code remote} carrying {@code forwardedFor} (null when absent). */
  public String key(InetAddress remote, String forwardedFor) {
    InetAddress client = remote;
    if (forwardedFor != null && isTrusted(remote)) {
      String[] hops = forwardedFor.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        InetAddress hop = literal(hops[i].trim());
        if (hop == null) {
          break; // not an address: stop at what the last trusted hop vouched for
        }
        client = hop;
        if (!isTrusted(hop)) {
          break;
        }
      }
    }
    return network(client);
  }

  private boolean isTrusted(InetAddress a) {
    for (Cidr c : trustedProxies) {
      if (c.contains(a)) {
        return true;
      }
    }
    return false;
  }

  /** {@code 203.0.113.0/24} or {@code 2001:db8:1:2::/64}. */
  static String network(InetAddress a) {
    byte[] b = unmapped(a).getAddress();
    if (b.length == 4) {
      return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + ".0/24";
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return sb.append(":/64").toString();
  }

  /** An IPv4-mapped IPv6 address ({@code ::ffff:1.2.3.4}) is the IPv4 address. */
  private static InetAddress unmapped(InetAddress a) {
    byte[] b = a.getAddress();
    if (a instanceof Inet6Address && isMapped(b)) {
      try {
        return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
    return a;
  }

  private static boolean isMapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  /** An address literal, never a DNS lookup; null for anything else. */
  static InetAddress literal(String s) {
    if (s.isEmpty() || !(s.indexOf(':') >= 0 || s.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
      return null;
    }
    String bare = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    try {
      return InetAddress.getByName(bare); // a literal: no lookup happens
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }

  private record Cidr(byte[] network, int bits) {
    static Cidr parse(String s) {
      int slash = s.indexOf('/');
      InetAddress a = literal(slash < 0 ? s : s.substring(0, slash));
      if (a == null) {
        throw new IllegalArgumentException("trusted proxy " + s + " is not an address or CIDR block");
      }
      byte[] bytes = unmapped(a).getAddress();
      int bits = slash < 0 ? bytes.length * 8 : Integer.parseInt(s.substring(slash + 1));
      if (bits < 0 || bits > bytes.length * 8) {
        throw new IllegalArgumentException("trusted proxy " + s + ": prefix length out of range");
      }
      return new Cidr(bytes, bits);
    }

    boolean contains(InetAddress a) {
      byte[] b = unmapped(a).getAddress();
      if (b.length != network.length) {
        return false;
      }
      for (int i = 0; i < bits; i++) {
        int mask = 0x80 >>> (i % 8);
        if ((b[i / 8] & mask) != (network[i / 8] & mask)) {
          return false;
        }
      }
      return true;
    }
  }
}
