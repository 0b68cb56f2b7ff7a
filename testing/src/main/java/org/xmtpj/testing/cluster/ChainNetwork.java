package org.xmtpj.testing.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.checkpoint.FinalizedCheckpoint;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.node.NodeKey;
import org.xmtpj.testing.FaultProxy;
import org.xmtpj.testing.NodeProcess;

/**
 * The chain side of a chain-backed {@link LocalCluster} ({@link ClusterBuilder#chain}): a local chain whose
 * account {@code n} operates node {@code n} (account 0 is the deployer). Nodes are numbered here as on chain, from
 * 1: node {@code n} is {@code cluster.node(n - 1)}, and it gets id {@code n} when the nodes register in order.
 *
 * <p>No port is guessed: a node provisioned before it runs is registered with the placeholder endpoint {@value
 * #UNBOUND} (not HOST:PORT, so no peer dials it), and {@link #launch} points the registration at the port the node
 * bound, as an operator would after starting it. A node behind a proxy ({@link #provisionBehindProxy}) is
 * registered at a {@link FaultProxy} that binds first and is pointed at the node once it runs.
 */
public final class ChainNetwork implements AutoCloseable {
  /** The endpoint a node is registered with before its port is known. */
  public static final String UNBOUND = "unbound";

  private final LocalChain chain;
  private final ChainSession session;
  private final Path dir;
  private final List<ChainNode> nodes;
  private final List<String> defaultArgs;
  private final Duration timeout;
  private final Map<Integer, Long> awaitingEndpoint = new TreeMap<>(); // node -> registered id
  private final Map<Integer, FaultProxy> proxies = new TreeMap<>();
  private final StatusReader reader = new StatusReader();
  private final ChainConditions conditions;

  ChainNetwork(LocalChain chain, Path dir, List<ChainNode> nodes, Duration antiEntropy, Duration timeout) {
    this.chain = chain;
    this.session = chain.connect();
    this.dir = dir;
    this.nodes = List.copyOf(nodes);
    // the chain polled often and anti-entropy rounds short: tests wait for both
    this.defaultArgs = List.of("--set", "chain.pollInterval=500ms",
        "--set", "replication.antiEntropyInterval=" + antiEntropy.toMillis() + "ms");
    this.timeout = timeout;
    this.conditions = new ChainConditions(this, timeout);
  }

  public LocalChain chain() {
    return chain;
  }

  /** A read-only session on the chain (no signer), open until the cluster closes. */
  public ChainSession session() {
    return session;
  }

  /** How many node slots the cluster has: nodes 1 to this. */
  public int size() {
    return nodes.size();
  }

  /** Node {@code n}, from 1 (the one account {@code n} operates). */
  public ClusterNode node(int n) {
    return slot(n);
  }

  /** The process of node {@code n}; it must have been launched. */
  public NodeProcess process(int n) {
    return slot(n).process();
  }

  // ------------------------------------------------------------------ accounts and provisioning

  /** Gives account {@code account} tokens from the deployer and writes its key file. */
  public void fund(int account, long wholeTokens) {
    writeKeyFile(account);
    try (ChainSession s = chain.connect().withSigner(chain.deployer())) {
      TokenClient.connect(s).transfer(address(account), TokenClient.tokens(wholeTokens));
    }
  }

  /**
   * Funds account {@code n} with {@code selfStake}, registers node {@code n} (its key; its replication endpoint,
   * or {@value #UNBOUND} until {@link #launch} knows it) and self-stakes; returns the registered id.
   */
  public long provision(int n, long selfStake) {
    ChainNode node = slot(n);
    long id = provision(n, selfStake, node.launched() ? endpoint(n) : UNBOUND);
    if (!node.launched()) {
      awaitingEndpoint.put(n, id);
    }
    return id;
  }

  /** {@link #provision(int, long)} with another registered endpoint, which nothing here updates later. */
  public long provision(int n, long selfStake, String registeredEndpoint) {
    fund(n, selfStake);
    Ed25519KeyPair key = NodeKey.loadOrCreate(slot(n).dataDir()); // it signs its registration for signer(n)
    try (ChainSession s = chain.connect().withSigner(signer(n))) {
      long id = NodeRegistryClient.connect(s).register(key, registeredEndpoint, 1_000);
      StakingClient.connect(s).delegate(id, TokenClient.tokens(selfStake));
      return id;
    }
  }

  /**
   * {@link #provision(int, long)} with node {@code n} registered at a {@link FaultProxy} of its own, so that every
   * inbound replication link of the node passes through it ({@link #proxy}); the proxy forwards once the node runs.
   */
  public long provisionBehindProxy(int n, long selfStake) {
    FaultProxy proxy = FaultProxy.startUnbound(slot(n).name());
    proxies.put(n, proxy);
    return provision(n, selfStake, NodeSpec.HOST + ":" + proxy.port());
  }

  /** The proxy in front of node {@code n} ({@link #provisionBehindProxy}). */
  public FaultProxy proxy(int n) {
    FaultProxy p = proxies.get(n);
    if (p == null) {
      throw new IllegalStateException("node " + n + " was not provisioned behind a proxy");
    }
    return p;
  }

  /** Every node's proxy, by node. */
  public Map<Integer, FaultProxy> proxies() {
    return Map.copyOf(proxies);
  }

  // ------------------------------------------------------------------ nodes

  /** {@link #launch}, then waits for the node's first catch-up: publishes are refused until it is over. */
  public ClusterNode start(int n, String... extraArgs) {
    launch(n, extraArgs);
    awaitBootstrapped(n);
    return node(n);
  }

  /**
   * Starts node {@code n} following the chain ({@code --chain-rpc --deployment --operator-key-file}, so it also
   * keeps epochs) with {@code extraArgs}, and points a registration made before it ran at the port it bound (or
   * its proxy at the node). Does not wait for the catch-up: for a node that is not registered yet.
   */
  public ClusterNode launch(int n, String... extraArgs) {
    writeKeyFile(n);
    List<String> args = new ArrayList<>(List.of("--chain-rpc", chain.rpcUrl(),
        "--deployment", chain.deploymentFile().toString(), "--operator-key-file", keyFile(n).toString()));
    args.addAll(defaultArgs);
    args.addAll(List.of(extraArgs));
    NodeProcess p = slot(n).launch(args);
    FaultProxy proxy = proxies.get(n);
    if (proxy != null) {
      proxy.retarget(p.replicationPort());
    }
    Long id = awaitingEndpoint.remove(n);
    if (id != null) {
      try (ChainSession s = chain.connect().withSigner(signer(n))) {
        NodeRegistryClient.connect(s).updateEndpoint(id, p.replicationEndpoint());
      }
    }
    return node(n);
  }

  /** Waits until node {@code n} (running) has finished its first catch-up with its peers. */
  public ChainNetwork awaitBootstrapped(int n) {
    process(n).awaitBootstrapped(timeout);
    return this;
  }

  /** The replication endpoint node {@code n} bound, {@code 127.0.0.1:PORT} (it must have been launched). */
  public String endpoint(int n) {
    return process(n).replicationEndpoint();
  }

  // ------------------------------------------------------------------ accounts

  /** The staking contract, signed by account {@code account} (0: the deployer). */
  public StakingClient staking(int account) {
    return StakingClient.connect(session.withSigner(signer(account)));
  }

  /** The checkpoints contract, read-only. */
  public CheckpointsClient checkpoints() {
    return CheckpointsClient.connect(session);
  }

  public Signer signer(int account) {
    return account == 0 ? chain.deployer() : chain.accounts().get(account);
  }

  public String address(int account) {
    return signer(account).address();
  }

  /** The file holding account {@code account}'s private key (written when it is funded or its node launched). */
  public Path keyFile(int account) {
    return dir.resolve("account-" + account + ".key");
  }

  // ------------------------------------------------------------------ status and conditions

  /** Node {@code n}'s {@code /debug/chain} now. */
  public ChainStatus chainStatus(int n) {
    return read(n, "/debug/chain", ChainStatus::parse);
  }

  /** Node {@code n}'s {@code /debug/checkpoints} now. */
  public CheckpointStatus checkpointStatus(int n) {
    return read(n, "/debug/checkpoints", CheckpointStatus::parse);
  }

  /** Node {@code n}'s {@code /metrics} now. */
  public Metrics metrics(int n) {
    return read(n, "/metrics", Metrics::parse);
  }

  /** Waits until each of {@code observers} follows the active set {@code ids}, in that order. */
  public ChainNetwork awaitActiveSet(List<Long> ids, int... observers) {
    conditions.awaitActiveSet(ids, observers);
    return this;
  }

  /**
   * Waits until node {@code nodes[0]} lists a checkpoint that satisfies {@code condition} and that every other of
   * {@code nodes} has computed too; returns the newest such epoch.
   */
  public long awaitCheckpoint(Predicate<CheckpointStatus.Checkpoint> condition, int... nodes) {
    return conditions.awaitCheckpoint(condition, nodes);
  }

  /** Waits until the chain's newest finalized checkpoint satisfies {@code condition}, and returns it. */
  public FinalizedCheckpoint awaitFinalized(Predicate<FinalizedCheckpoint> condition) {
    return conditions.awaitFinalized(condition);
  }

  /** Waits until {@code condition} holds; fails with {@code what} (the chain's and nodes' waits in one style). */
  public ChainNetwork await(String what, java.util.concurrent.Callable<Boolean> condition) {
    conditions.await(what, condition);
    return this;
  }

  /** Closes the proxies, the session and the chain; the cluster stops the nodes. */
  @Override
  public void close() {
    proxies.values().forEach(FaultProxy::close);
    session.close();
    chain.close();
  }

  private <T> T read(int n, String path, java.util.function.Function<String, T> parse) {
    try {
      return parse.apply(reader.get(slot(n), path));
    } catch (IOException e) {
      throw new UncheckedIOException("no " + path + " from node " + n, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted reading " + path + " of node " + n, e);
    }
  }

  private ChainNode slot(int n) {
    if (n < 1 || n > nodes.size()) {
      throw new IllegalArgumentException("node " + n + ": the cluster has nodes 1 to " + nodes.size());
    }
    return nodes.get(n - 1);
  }

  private void writeKeyFile(int account) {
    try {
      Files.createDirectories(dir);
      Files.writeString(keyFile(account), signer(account).privateKeyHex());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the key of account " + account, e);
    }
  }
}
