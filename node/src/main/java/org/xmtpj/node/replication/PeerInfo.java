package org.xmtpj.node.replication;

import org.xmtpj.dag.OriginKey;

/**
 * A peer to connect to.
 *
 * @param key the peer's pinned node key, or null to learn it from the handshake (then only connections we open
 *     can introduce it: inbound connections are accepted from known keys only)
 */
public record PeerInfo(OriginKey key, String host, int port) {
  public String address() {
    return host + ":" + port;
  }

  /** Parses {@code [NODEKEYHEX@]HOST:PORT}. */
  public static PeerInfo parse(String spec) {
    String s = spec.trim();
    OriginKey key = null;
    int at = s.indexOf('@');
    if (at >= 0) {
      String hex = s.substring(0, at);
      try {
        key = new OriginKey(java.util.HexFormat.of().parseHex(hex));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("peer '" + spec + "': node key must be 64 hex characters");
      }
      s = s.substring(at + 1);
    }
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      throw new IllegalArgumentException("peer '" + spec + "': expected [NODEKEY@]HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(s.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("peer '" + spec + "': port is not a number");
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("peer '" + spec + "': port out of range");
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new PeerInfo(key, host, port);
  }
}
