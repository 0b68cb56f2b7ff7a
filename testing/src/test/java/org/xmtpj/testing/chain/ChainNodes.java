package org.xmtpj.testing.chain;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.node.NodeKey;
import org.xmtpj.testing.NodeProcess;
import org.xmtpj.testing.TestClients;

/**
 * A local chain and chain-backed node processes for tests: account i operates node i (account 0 is the deployer),
 * with its key file and data directory under one directory. Nodes bind port 0; a node provisioned before it runs is
 * registered with the placeholder endpoint {@value #UNBOUND} (not HOST:PORT, so no peer dials it), and {@link
 * #start} points its registration at the port it bound, as an operator would after starting it.
 */
final class ChainNodes implements AutoCloseable {
  private static final HttpClient HTTP = TestClients.newHttpClient();

  final LocalChain chain;
  final ChainSession session;
  final Path dir;
  final Map<Integer, NodeProcess> nodes = new TreeMap<>();
  static final String UNBOUND = "unbound";
  private final Map<Integer, Long> awaitingEndpoint = new TreeMap<>(); // node index -> registered id

  ChainNodes(LocalChain chain, Path dir) {
    this.chain = chain;
    this.session = chain.connect();
    this.dir = dir;
  }

  /** Gives the account tokens from the deployer and writes its key file. */
  void fund(int account, long wholeTokens) throws IOException {
    Files.writeString(keyFile(account), signer(account).privateKeyHex());
    try (ChainSession s = chain.connect().withSigner(chain.deployer())) {
      TokenClient.connect(s).transfer(address(account), TokenClient.tokens(wholeTokens));
    }
  }

  /**
   * Funds account i, registers node i (its key; its replication endpoint once {@link #start} knows it) and
   * self-stakes; returns the id.
   */
  long provision(int i, long selfStake) throws IOException {
    long id = provision(i, selfStake, nodes.containsKey(i) ? endpoint(i) : UNBOUND);
    if (!nodes.containsKey(i)) {
      awaitingEndpoint.put(i, id);
    }
    return id;
  }

  /** {@link #provision(int, long)} with another registered endpoint (a fault proxy in front of the node). */
  long provision(int i, long selfStake, String registeredEndpoint) throws IOException {
    fund(i, selfStake);
    byte[] key = NodeKey.loadOrCreate(dataDir(i)).publicKey();
    try (ChainSession s = chain.connect().withSigner(signer(i))) {
      long id = NodeRegistryClient.connect(s).register(key, registeredEndpoint, 1_000);
      StakingClient.connect(s).delegate(id, TokenClient.tokens(selfStake));
      return id;
    }
  }

  /**
   * Starts node i as a process following the chain, with its operator key (so it also keeps epochs), points a
   * registration made before it ran at the port it bound, and waits for its first catch-up.
   */
  NodeProcess start(int i, String... extra) {
    NodeProcess p = launch(i, extra);
    // publishes are refused (catching_up) until the first catch-up with the chain's peers is over
    p.awaitBootstrapped(java.time.Duration.ofSeconds(60));
    return p;
  }

  /** {@link #start} without waiting for the catch-up: for a node that is not registered yet. */
  NodeProcess launch(int i, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of(
        "--chain-rpc", chain.rpcUrl(), "--deployment", chain.deploymentFile().toString(),
        "--operator-key-file", keyFile(i).toString(), "--set", "chain.pollInterval=500ms",
        "--set", "replication.antiEntropyInterval=2s"));
    args.addAll(List.of(extra));
    NodeProcess p = NodeProcess.start(dataDir(i), args);
    nodes.put(i, p);
    Long id = awaitingEndpoint.remove(i);
    if (id != null) {
      try (ChainSession s = chain.connect().withSigner(signer(i))) {
        NodeRegistryClient.connect(s).updateEndpoint(id, p.replicationEndpoint());
      }
    }
    return p;
  }

  StakingClient staking(int account) {
    return StakingClient.connect(session.withSigner(account == 0 ? chain.deployer() : signer(account)));
  }

  Signer signer(int account) {
    return chain.accounts().get(account);
  }

  String address(int account) {
    return signer(account).address();
  }

  Path dataDir(int i) {
    return dir.resolve("node-" + i);
  }

  Path keyFile(int account) {
    return dir.resolve("account-" + account + ".key");
  }

  /** The replication endpoint node i bound (it must be running, or have run). */
  String endpoint(int i) {
    NodeProcess p = nodes.get(i);
    if (p == null) {
      throw new IllegalStateException("node " + i + " has not been started: its port is not known yet");
    }
    return p.replicationEndpoint();
  }

  String get(int node, String path) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(URI.create(nodes.get(node).httpUrl() + path))
        .timeout(Duration.ofSeconds(5)).GET().build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString()).body();
  }

  HttpResponse<String> post(int node, String path, String json) throws IOException, InterruptedException {
    HttpRequest r = HttpRequest.newBuilder(URI.create(nodes.get(node).httpUrl() + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    nodes.values().forEach(NodeProcess::close);
    session.close();
    chain.close();
  }
}
