package org.xmtpj.node.chain;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.events.ChainEvents;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.Membership;

/**
 * A node's view of the chain: indexes the registry contracts' events on one (virtual) thread, keeps the
 * {@link Membership} that replication uses in step with the active set, and optionally keeps epochs moving.
 * {@link #start} returns only after the first full catch-up, so that replication never starts with an empty
 * membership. If the RPC endpoint fails later, the last known membership stays in force (peers are not dropped
 * because a provider is down) and the view is reported stale after {@link ChainConfig#staleAfter()}.
 */
public final class ChainFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ChainFollower.class);
  /** Blocks one poll reads at most (ChainEvents splits them into eth_getLogs ranges), so a poll stays short. */
  static final long MAX_BLOCKS_PER_POLL = 50_000;

  private final ChainConfig config;
  private final Deployment deployment;
  private final ChainSession session;
  private final ChainIndexer indexer;
  private final ChainMembership membership;
  private final EpochKeeper keeper;
  private final Clock clock;
  private final Metrics metrics;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("chain-follower").factory());
  private volatile long lastSuccessMillis;
  private volatile String lastError;
  private boolean warnedStale;

  private ChainFollower(ChainConfig config, Deployment deployment, ChainSession session, OriginKey self,
      Clock clock, PrometheusRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.deployment = deployment;
    this.session = session;
    this.indexer = new ChainIndexer(ChainEvents.connect(session), deployment.deployBlock(), config.confirmations(),
        MAX_BLOCKS_PER_POLL);
    this.membership = new ChainMembership(self);
    this.keeper = config.operatorKey() == null ? null : new EpochKeeper(
        StakingClient.connect(session.withSigner(Signer.fromPrivateKey(config.operatorKey()))), deployment, self,
        clock);
    this.metrics = new Metrics(registry);
  }

  /**
   * Connects, catches up with the chain (retrying a failing RPC endpoint until {@code startTimeout}) and starts
   * following it.
   *
   * @throws IOException when the chain cannot be read within the timeout (the message names the endpoint)
   */
  public static ChainFollower start(ChainConfig config, OriginKey self, Clock clock, PrometheusRegistry registry,
      Duration startTimeout) throws IOException {
    long deadline = clock.millis() + startTimeout.toMillis();
    Deployment deployment = readDeployment(config);
    ChainSession session = connect(config, deployment, clock, deadline);
    ChainFollower f = new ChainFollower(config, deployment, session, self, clock, registry);
    try {
      f.catchUp(deadline);
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
    long ms = config.pollInterval().toMillis();
    f.thread.scheduleWithFixedDelay(f::pollOnce, ms, ms, TimeUnit.MILLISECONDS);
    return f;
  }

  /** Replication's membership: the active set's nodes, updated as the chain moves. */
  public Membership membership() {
    return membership;
  }

  /** The registry as last indexed (tests in this package). */
  RegistryState state() {
    return indexer.state();
  }

  long reorgs() {
    return indexer.reorgs();
  }

  /** The read-only session the follower uses (derive signing ones with withSigner). */
  public ChainSession session() {
    return session;
  }

  public Deployment deployment() {
    return deployment;
  }

  /** The registry id of this node, when its key is registered. */
  public java.util.Optional<Long> selfNodeId(OriginKey self) {
    return indexer.state().idOf(self);
  }

  /** Retries until the deadline: a node may well start before the chain's RPC endpoint does. */
  private static ChainSession connect(ChainConfig config, Deployment deployment, Clock clock, long deadline)
      throws IOException {
    while (true) {
      try {
        return ChainSession.connect(config.rpcUrl(), deployment);
      } catch (ChainException e) {
        if (clock.millis() >= deadline) {
          throw unreachable(config, e);
        }
        sleep(Math.min(1_000, config.pollInterval().toMillis()));
      }
    }
  }

  private static IOException unreachable(ChainConfig config, ChainException e) {
    return new IOException("cannot read the chain at " + config.rpcUrl() + " (" + e.getMessage()
        + "); is the EVM node running and is " + config.deploymentFile() + " its deployment?", e);
  }

  private void catchUp(long deadline) throws IOException {
    while (true) {
      try {
        ChainIndexer.Progress p = indexer.poll();
        succeeded();
        if (p.indexedBlock() >= p.headBlock() - config.confirmations()) {
          membership.update(indexer.state());
          LOG.info("chain view ready: block {} (head {}), {} nodes registered, active set of epoch {}: {}",
              p.indexedBlock(), p.headBlock(), indexer.state().nodes().size(), indexer.state().activeEpoch(),
              indexer.state().activeNodes().stream().map(RegistryState.Node::id).toList());
          return;
        }
      } catch (ChainException e) {
        lastError = e.getMessage();
        if (clock.millis() >= deadline) {
          throw unreachable(config, e);
        }
        sleep(Math.min(1_000, config.pollInterval().toMillis()));
      }
    }
  }

  private void pollOnce() {
    try {
      ChainIndexer.Progress p;
      do {
        p = indexer.poll();
        if (p.changed() || p.reorgDepth() > 0) {
          membership.update(indexer.state());
        }
        metrics.reorg(p.reorgDepth());
      } while (p.indexedBlock() < p.headBlock() - config.confirmations());
      succeeded();
      if (keeper != null) {
        keeper.maybeAdvance(indexer.state(), session.latestBlockTimestamp());
      }
    } catch (ChainException e) {
      lastError = e.getMessage();
      LOG.debug("chain poll failed: {}", e.getMessage());
    } catch (RuntimeException e) {
      lastError = e.toString();
      LOG.warn("chain poll failed unexpectedly", e);
    } finally {
      if (stale() && !warnedStale) {
        warnedStale = true;
        LOG.warn("chain view is stale: no successful read of {} for {} (last error: {}); keeping the last known"
            + " membership", config.rpcUrl(), config.staleAfter(), lastError);
      }
      metrics.observe(this);
    }
  }

  private void succeeded() {
    if (warnedStale) {
      LOG.info("chain view is current again");
      warnedStale = false;
    }
    lastSuccessMillis = clock.millis();
    lastError = null;
  }

  /** Whether the last successful poll is older than {@link ChainConfig#staleAfter()}. */
  public boolean stale() {
    return clock.millis() - lastSuccessMillis > config.staleAfter().toMillis();
  }

  /** A JSON document for {@code GET /debug/chain}. */
  public String status(OriginKey self) {
    RegistryState s = indexer.state();
    StringBuilder peers = new StringBuilder();
    for (RegistryState.Node n : s.activeNodes()) {
      peers.append(peers.isEmpty() ? "" : ",").append("{\"id\":").append(n.id()).append(",\"nodeKey\":\"")
          .append(n.key().hex()).append("\",\"endpoint\":\"").append(jsonEscape(n.endpoint())).append("\"}");
    }
    return "{\"rpc\":\"" + jsonEscape(config.rpcUrl()) + "\",\"chainId\":" + deployment.chainId()
        + ",\"indexedBlock\":" + indexer.indexedBlock() + ",\"headBlock\":" + indexer.headBlock()
        + ",\"lagBlocks\":" + Math.max(0, indexer.headBlock() - indexer.indexedBlock()) + ",\"reorgs\":"
        + indexer.reorgs() + ",\"stale\":" + stale() + ",\"lastError\":"
        + (lastError == null ? "null" : "\"" + jsonEscape(lastError) + "\"") + ",\"selfNodeId\":"
        + s.idOf(self).map(String::valueOf).orElse("null") + ",\"selfActive\":" + membership.selfActive()
        + ",\"epoch\":" + s.activeEpoch() + ",\"registeredNodes\":" + s.nodes().size() + ",\"activeSet\":["
        + peers + "]}";
  }

  private static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static Deployment readDeployment(ChainConfig config) {
    try {
      return Deployment.read(config.deploymentFile());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cannot read deployment file " + config.deploymentFile() + ": "
          + e.getMessage(), e);
    }
  }

  private static void sleep(long ms) throws IOException {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the chain", e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    session.close();
  }

  /** Prometheus view of the follower. */
  private static final class Metrics {
    private final Gauge indexed;
    private final Gauge head;
    private final Gauge lag;
    private final Gauge stale;
    private final Gauge activePeers;
    private final Counter reorgs;

    Metrics(PrometheusRegistry registry) {
      indexed = Gauge.builder().name("xmtpd_chain_indexed_block").help("last block the registry index covers")
          .register(registry);
      head = Gauge.builder().name("xmtpd_chain_head_block").help("latest block seen on the chain")
          .register(registry);
      lag = Gauge.builder().name("xmtpd_chain_lag_blocks").help("blocks between the head and the index")
          .register(registry);
      stale = Gauge.builder().name("xmtpd_chain_stale").help("1 when the chain has not been read for staleAfter")
          .register(registry);
      activePeers = Gauge.builder().name("xmtpd_chain_active_peers")
          .help("peers taken from the active set (this node excluded)").register(registry);
      reorgs = Counter.builder().name("xmtpd_chain_reorgs").help("reorgs handled by the registry index")
          .register(registry);
    }

    void reorg(int depth) {
      if (depth > 0) {
        reorgs.inc();
      }
    }

    void observe(ChainFollower f) {
      indexed.set(f.indexer.indexedBlock());
      head.set(f.indexer.headBlock());
      lag.set(Math.max(0, f.indexer.headBlock() - f.indexer.indexedBlock()));
      stale.set(f.stale() ? 1 : 0);
      activePeers.set(f.membership.peers().size());
    }
  }
}
