package org.xmtpj.node.replication;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * How a node replicates.
 *
 * @param port the node-to-node gRPC port (0 picks a free one; -1 disables replication entirely)
 * @param peers configured peers ({@code [NODEKEY@]HOST:PORT})
 * @param tls transport security of node-to-node links, or null for plaintext (the handshake still
 *     authenticates both ends; TLS adds confidentiality and protects sessions from hijacking)
 * @param antiEntropyInterval mean time between anti-entropy rounds (each round is jittered by ±30 %)
 * @param pushLinger how long a push batch may wait to fill before it is sent
 * @param callTimeout deadline of one replication call
 * @param limits hard bounds on frames and requests
 * @param retention events created longer ago than this are pruned, and gaps in the vector are accepted below it
 *     (docs/replication.md §6); zero keeps everything. A network parameter: every node should use the same value
 * @param peersFile a file of more peers, one {@code [NODEKEY@]HOST:PORT} per line, re-read whenever it changes, or
 *     null; lets an operator or a test harness add peers to a running node (for example once their ports are known)
 */
public record ReplicationConfig(int port, List<PeerInfo> peers, Tls tls, Duration antiEntropyInterval,
    Duration pushLinger, Duration callTimeout, ReplicationLimits limits, Duration retention, Path peersFile) {

  public static final int DEFAULT_PORT = 5557;

  /**
   * @param certChain PEM certificate chain this node presents
   * @param privateKey PEM PKCS#8 private key for it
   * @param trustedCerts PEM certificates (or CAs) a peer's certificate must chain to
   */
  public record Tls(Path certChain, Path privateKey, Path trustedCerts) {}

  public ReplicationConfig {
    peers = List.copyOf(peers);
    if (port < -1 || port > 65_535) {
      throw new IllegalArgumentException("replication port must be -1..65535, was " + port);
    }
    if (antiEntropyInterval.isNegative() || antiEntropyInterval.isZero()) {
      throw new IllegalArgumentException("anti-entropy interval must be positive");
    }
    if (pushLinger.isNegative() || callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("push linger must be ≥ 0 and call timeout positive");
    }
    if (retention == null || retention.isNegative()) {
      throw new IllegalArgumentException("retention must be ≥ 0 (0 keeps everything)");
    }
  }

  /** Without a peers file. */
  public ReplicationConfig(int port, List<PeerInfo> peers, Tls tls, Duration antiEntropyInterval,
      Duration pushLinger, Duration callTimeout, ReplicationLimits limits, Duration retention) {
    this(port, peers, tls, antiEntropyInterval, pushLinger, callTimeout, limits, retention, null);
  }

  /** Without retention (kept for callers written before it). */
  public ReplicationConfig(int port, List<PeerInfo> peers, Tls tls, Duration antiEntropyInterval,
      Duration pushLinger, Duration callTimeout, ReplicationLimits limits) {
    this(port, peers, tls, antiEntropyInterval, pushLinger, callTimeout, limits, Duration.ZERO);
  }

  public static ReplicationConfig defaults() {
    return new ReplicationConfig(DEFAULT_PORT, List.of(), null, Duration.ofSeconds(30), Duration.ofMillis(2),
        Duration.ofSeconds(10), ReplicationLimits.DEFAULTS, Duration.ZERO, null);
  }

  public boolean enabled() {
    return port >= 0;
  }

  public ReplicationConfig withPort(int p) {
    return new ReplicationConfig(p, peers, tls, antiEntropyInterval, pushLinger, callTimeout,
        limits, retention, peersFile);
  }

  public ReplicationConfig withPeers(List<PeerInfo> ps) {
    return new ReplicationConfig(port, ps, tls, antiEntropyInterval, pushLinger, callTimeout,
        limits, retention, peersFile);
  }

  public ReplicationConfig withTls(Tls t) {
    return new ReplicationConfig(port, peers, t, antiEntropyInterval, pushLinger, callTimeout,
        limits, retention, peersFile);
  }

  public ReplicationConfig withAntiEntropyInterval(Duration d) {
    return new ReplicationConfig(port, peers, tls, d, pushLinger, callTimeout,
        limits, retention, peersFile);
  }

  public ReplicationConfig withRetention(Duration r) {
    return new ReplicationConfig(port, peers, tls, antiEntropyInterval, pushLinger, callTimeout,
        limits, r, peersFile);
  }

  public ReplicationConfig withPeersFile(Path f) {
    return new ReplicationConfig(port, peers, tls, antiEntropyInterval, pushLinger, callTimeout,
        limits, retention, f);
  }
}
