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
 * with its key file, data directory and replication port under one directory.
 */
final class ChainNodes implements AutoCloseable {
  private static final HttpClient HTTP = TestClients.newHttpClient();

  final LocalChain chain;
  final ChainSession session;
  final Path dir;
  final Map<Integer, NodeProcess> nodes = new TreeMap<>();
  private final Map<Integer, Integer> ports = new TreeMap<>();

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

  /** Funds account i, registers node i (its key, its replication endpoint) and self-stakes; returns the id. */
  long provision(int i, long selfStake) throws IOException {
    return provision(i, selfStake, endpoint(i));
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

  /** Starts node i as a process following the chain, with its operator key (so it also keeps epochs). */
  NodeProcess start(int i, String... extra) {
    List<String> args = new java.util.ArrayList<>(List.of("--replication-port", String.valueOf(port(i)),
        "--chain-rpc", chain.rpcUrl(), "--deployment", chain.deploymentFile().toString(),
        "--operator-key-file", keyFile(i).toString(), "--set", "chain.pollInterval=500ms",
        "--set", "replication.antiEntropyInterval=2s"));
    args.addAll(List.of(extra));
    NodeProcess p = NodeProcess.start(dataDir(i), args);
    nodes.put(i, p);
    // publishes are refused (catching_up) until the first catch-up with the chain's peers is over
    p.awaitBootstrapped(java.time.Duration.ofSeconds(60));
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

  /**
   * A replication port chosen below Linux's ephemeral range (32768 and up): it is registered on chain long before
   * the node binds it, and the test's own connections to the chain take ephemeral ports meanwhile.
   */
  int port(int i) {
    return ports.computeIfAbsent(i, k -> NodeProcess.freePortBelowEphemeralRange());
  }

  String endpoint(int i) {
    return "127.0.0.1:" + port(i);
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
