package org.xmtpj.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.xmtpj.node.NodeKey;

/**
 * The layout of a local devnet: node i (from 1) lives in {@code DIR/node-i} and listens on
 * {@code base + 10(i-1)} (HTTP), {@code +1} (gRPC) and {@code +2} (replication), all on 127.0.0.1, with every
 * other node as a pinned peer. Node keys are created up front, so each node can pin all the others.
 */
record DevnetPlan(Path dir, List<Node> nodes, Chain chain) {
  static final String HOST = "127.0.0.1";
  static final int PORT_STRIDE = 10;

  record Node(int index, Path dataDir, String key, int httpPort, int grpcPort, int replicationPort) {
    String peerSpec() {
      return key + "@" + HOST + ":" + replicationPort;
    }

    Path log() {
      return dataDir.resolve("node.log");
    }

    String httpUrl() {
      return "http://" + HOST + ":" + httpPort;
    }

    /** What the node registers on chain: its replication address. */
    String endpoint() {
      return HOST + ":" + replicationPort;
    }

    Path operatorKeyFile() {
      return dataDir.resolve("operator.key");
    }
  }

  /** The local chain the nodes follow instead of pinning each other. */
  record Chain(String rpcUrl, Path deploymentFile) {}

  DevnetPlan {
    nodes = List.copyOf(nodes);
  }

  /** Lays the devnet out and creates (or reuses) each node's key in its data directory. */
  static DevnetPlan create(int count, int basePort, Path dir) {
    if (count < 1 || count > 100) {
      throw new IllegalArgumentException("--nodes must be 1..100, was " + count);
    }
    int last = basePort + PORT_STRIDE * (count - 1) + 2;
    if (basePort < 1 || last > 65_535) {
      throw new IllegalArgumentException("--base-port " + basePort + " leaves no room for " + count
          + " nodes (ports up to " + last + ")");
    }
    Path root = dir.toAbsolutePath().normalize(); // children may not share our working directory
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Path data = root.resolve("node-" + i);
      String key = HexFormat.of().formatHex(NodeKey.loadOrCreate(data).publicKey());
      int http = basePort + PORT_STRIDE * (i - 1);
      nodes.add(new Node(i, data, key, http, http + 1, http + 2));
    }
    return new DevnetPlan(root, nodes, null);
  }

  DevnetPlan withChain(Chain c) {
    return new DevnetPlan(dir, nodes, c);
  }

  /** The command line that starts {@code node} as a child JVM running {@link Main}. */
  List<String> command(Node node, String javaBinary, String classPath, List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>(List.of(javaBinary, "--enable-native-access=ALL-UNNAMED"));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", classPath, Main.class.getName(), "start",
        "--data-dir", node.dataDir().toString(), "--host", HOST,
        "--http-port", String.valueOf(node.httpPort()), "--grpc-port", String.valueOf(node.grpcPort()),
        "--replication-port", String.valueOf(node.replicationPort())));
    if (chain != null) {
      cmd.addAll(List.of("--chain-rpc", chain.rpcUrl(), "--deployment", chain.deploymentFile().toString(),
          "--operator-key-file", node.operatorKeyFile().toString(), "--set", "chain.pollInterval=1s"));
      return cmd;
    }
    for (Node other : nodes) {
      if (other.index() != node.index()) {
        cmd.add("--peer");
        cmd.add(other.peerSpec());
      }
    }
    return cmd;
  }

  /** The table printed once every node is healthy. */
  String table() {
    String format = "%-5s %-64s  %-22s  %-15s  %-15s  %s%n";
    StringBuilder sb = new StringBuilder(String.format(format, "node", "node key", "http", "grpc", "replication",
        "log"));
    for (Node n : nodes) {
      sb.append(String.format(format, n.index(), n.key(), n.httpUrl(), HOST + ":" + n.grpcPort(),
          HOST + ":" + n.replicationPort(), n.log()));
    }
    if (chain != null) {
      sb.append("chain: ").append(chain.rpcUrl()).append("  deployment: ").append(chain.deploymentFile())
          .append("\nnode i is registered and staked by the operator key in node-i/operator.key;"
              + " membership follows the active set\n");
    }
    return sb.toString();
  }
}
