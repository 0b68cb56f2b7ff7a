package org.xmtpj.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.xmtpj.node.NodeKey;
import org.xmtpj.node.NodePorts;

/**
 * The layout of a local devnet: node i (from 1) lives in {@code DIR/node-i} and listens on
 * {@code base + 10(i-1)} (HTTP), {@code +1} (gRPC) and {@code +2} (replication), all on 127.0.0.1, with every
 * other node as a pinned peer. Node keys are created up front, so each node can pin all the others.
 *
 * <p>With base port 0 every listener binds port 0 and the plan's ports stay 0 ("unbound") until each node has
 * written its {@code ports.json} ({@link #withPorts}). Such a node cannot be handed its peers on the command line,
 * so without a chain it gets a {@link Node#peersFile peers file}, written once every node's ports are known.
 */
record DevnetPlan(Path dir, List<Node> nodes, Chain chain) {
  static final String HOST = "127.0.0.1";
  static final int PORT_STRIDE = 10;
  /** The endpoint registered on chain for a node whose port is not known yet: not HOST:PORT, so no peer dials it. */
  static final String UNBOUND = "unbound";

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

    /** What the node registers on chain: its replication address, or {@link #UNBOUND} until it has bound one. */
    String endpoint() {
      return unbound() ? UNBOUND : HOST + ":" + replicationPort;
    }

    /** True while this node's ports are 0: known only once it has written {@code ports.json}. */
    boolean unbound() {
      return httpPort == 0;
    }

    /** The static peers of a node on port 0 without a chain ({@code --peers-file}; the node re-reads it). */
    Path peersFile() {
      return dataDir.resolve("peers.txt");
    }

    /** This node on the ports it reported having bound. */
    Node bound(NodePorts ports) {
      if (!ports.node().equals(key)) {
        throw new IllegalStateException(dataDir.resolve(NodePorts.FILE) + " names node " + ports.node()
            + ", not node " + index + " (" + key + ")");
      }
      return new Node(index, dataDir, key, ports.http(), ports.grpc(), ports.replication());
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
    if (basePort < 0 || (basePort > 0 && last > 65_535)) {
      throw new IllegalArgumentException("--base-port " + basePort + " leaves no room for " + count
          + " nodes (ports up to " + last + ")");
    }
    Path root = dir.toAbsolutePath().normalize(); // children may not share our working directory
    List<Node> nodes = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      Path data = root.resolve("node-" + i);
      String key = HexFormat.of().formatHex(NodeKey.loadOrCreate(data).publicKey());
      if (basePort == 0) {
        nodes.add(new Node(i, data, key, 0, 0, 0));
      } else {
        int http = basePort + PORT_STRIDE * (i - 1);
        nodes.add(new Node(i, data, key, http, http + 1, http + 2));
      }
    }
    return new DevnetPlan(root, nodes, null);
  }

  DevnetPlan withChain(Chain c) {
    return new DevnetPlan(dir, nodes, c);
  }

  /** The plan with the ports each node bound, {@code ports} in node order. */
  DevnetPlan withPorts(List<NodePorts> ports) {
    if (ports.size() != nodes.size()) {
      throw new IllegalArgumentException(ports.size() + " ports for " + nodes.size() + " nodes");
    }
    List<Node> bound = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      bound.add(nodes.get(i).bound(ports.get(i)));
    }
    return new DevnetPlan(dir, bound, chain);
  }

  /** Every other node as a pinned peer of {@code node}, {@code KEY@HOST:PORT} each (the peers file's lines). */
  List<String> peersOf(Node node) {
    List<String> peers = new ArrayList<>();
    for (Node other : nodes) {
      if (other.index() != node.index()) {
        peers.add(other.peerSpec());
      }
    }
    return peers;
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
    if (node.unbound()) {
      // the others' ports are not known yet: they go into this file once every node has bound its own
      cmd.addAll(List.of("--peers-file", node.peersFile().toString()));
      return cmd;
    }
    for (String peer : peersOf(node)) {
      cmd.add("--peer");
      cmd.add(peer);
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
