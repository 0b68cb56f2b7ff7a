package org.xmtpj.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.crypto.auth.AuthTokenValidator;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.grpc.GrpcApiServer;
import org.xmtpj.node.http.HttpGateway;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.integrity.StoreHealth;
import org.xmtpj.node.integrity.StoreScrub;
import org.xmtpj.node.ingest.CaughtUpGate;
import org.xmtpj.node.ingest.Originator;
import org.xmtpj.node.ingest.Publisher;
import org.xmtpj.node.ingest.ReplicationListener;
import org.xmtpj.node.ingest.WriterPolicy;
import org.xmtpj.node.metrics.ReplicationPrometheus;
import org.xmtpj.node.replication.ExecutorScheduler;
import org.xmtpj.node.replication.LocalLog;
import org.xmtpj.node.replication.Replicator;
import org.xmtpj.node.replication.ReplicatorOptions;
import org.xmtpj.node.replication.StaticMembership;
import org.xmtpj.node.replication.Membership;
import org.xmtpj.node.chain.ChainFollower;
import org.xmtpj.node.checkpoint.Checkpointer;
import org.xmtpj.node.checkpoint.ConsensusSetup;
import org.xmtpj.node.checkpoint.InclusionProofs;
import org.xmtpj.node.replication.StatusDocuments;
import org.xmtpj.node.replication.grpc.GrpcPeerConnector;
import org.xmtpj.node.replication.grpc.ReplicationGrpcServer;
import org.xmtpj.store.Evidence;
import org.xmtpj.node.metrics.NodeMetrics;
import org.xmtpj.node.ratelimit.RateLimiter;
import org.xmtpj.node.subscribe.SubscriptionHub;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;

/** Composition root of one xmtpd node: constructor wiring, start, and an orderly drain on stop. */
public final class XmtpNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XmtpNode.class);
  private static final java.time.Duration CHAIN_START_TIMEOUT = java.time.Duration.ofSeconds(60);
  private static final java.time.Duration PEERS_FILE_PERIOD = java.time.Duration.ofMillis(250);

  private final NodeConfig config;
  private final Ed25519KeyPair key;
  private final EventStore store;
  private final Originator originator;
  private final SubscriptionHub hub;
  private final HttpGateway http;
  private final GrpcApiServer grpc;
  private final ChainFollower chain;
  private final Checkpointer checkpointer;
  private final Replication replication;
  private final StoreScrub scrub;
  private final StoreHealth storeHealth;
  private volatile boolean serving;

  public XmtpNode(NodeConfig config, Clock clock) throws IOException {
    this.config = config;
    NodePorts.clear(config.dataDir()); // whoever waits for the ports must not read the previous run's
    this.key = NodeKey.loadOrCreate(config.dataDir());
    EventStore opened = config.dbUrl() == null ? EventStores.sqlite(config.dataDir(), config.onCorruptStore())
        : EventStores.open(config.dbUrl(), config.dataDir());
    java.util.function.Supplier<org.xmtpj.store.StoreStats> stats = opened::stats;
    NodeMetrics metrics = new NodeMetrics(stats);
    this.storeHealth = new StoreHealth(config.dataDir(), metrics.registry(), this::storeDamaged);
    this.store = storeHealth.watch(opened);
    this.scrub = new StoreScrub(store, clock::millis);
    long lastSeq = store.writerState(key.publicKey()).lastLocalSeq();
    this.hub = new SubscriptionHub(store, lastSeq, config.subscriberQueue(), config.keepAliveInterval(),
        config.limits().streams(), metrics);
    OriginKey self = new OriginKey(key.publicKey());
    Replicator[] replicator = new Replicator[1]; // the writer and the replicator refer to each other
    this.originator = Originator.threaded(store, new EventSigner(key), hub, clock, metrics,
        WriterPolicy.of(config.maxBatchEnvelopes(), config.maxQueuedPublishes()),
        t -> replicator[0] == null ? 0 : replicator[0].mergeRank(t));
    originator.setRetention(config.replication().retention());
    this.chain = config.chain() == null ? null : startChain(config, self, clock, metrics);
    // checkpoints are computed and signed only once replication has caught up with the peers
    java.util.function.BooleanSupplier caughtUp = () -> replicator[0] == null || replicator[0].bootstrapped();
    this.checkpointer = chain == null ? null : new Checkpointer(store, new Checkpointer.EpochClock(
        chain.deployment().genesisTime(), chain.deployment().epochLength()), clock,
        config.dataDir().resolve("checkpoints").resolve("state.journal"), caughtUp);
    InclusionProofs proofs = checkpointer == null ? null : new InclusionProofs(checkpointer);
    if (checkpointer != null) {
      ConsensusSetup.attach(checkpointer, chain.session(), config.chain().operatorKey(), key.publicKey(), originator,
          store, config.dataDir(), clock, config.chain().faultEquivocate(),
          caughtUp, metrics.registry());
    }
    this.replication = config.replication().enabled() ? new Replication(config, key, self, clock, metrics) : null;
    replicator[0] = replication == null ? null : replication.replicator;
    Publisher publisher = replication == null ? originator
        : new CaughtUpGate(originator, replication.replicator::isCaughtUp);
    RateLimiter rateLimiter = new RateLimiter(config.rateLimit(), System::nanoTime);
    MessageApiCore core = new MessageApiCore(new AuthTokenValidator(clock, config.maxTokenAge()), publisher, store,
        hub, config.limits(), rateLimiter);
    this.http = new HttpGateway(new InetSocketAddress(config.host(), config.httpPort()), core, rateLimiter,
        metrics, () -> serving && !storeHealth.damaged(), java.util.Map.of(
            "/debug/replication", () -> StatusDocuments.replication(self, store, replicator[0]),
            "/debug/evidence", () -> StatusDocuments.evidence(store),
            "/debug/chain", () -> chain == null ? "{\"chain\":\"off\"}" : chain.status(self),
            "/debug/checkpoints", () -> checkpointer == null ? "{\"checkpoints\":\"off\"}"
                : checkpointer.status()), proofs == null ? null : proofs::prove,
        org.xmtpj.node.http.OperatorAccess.fromDataDir(config.dataDir()));
    this.grpc = new GrpcApiServer(new InetSocketAddress(config.host(), config.grpcPort()), core, rateLimiter,
        metrics, config.keepAliveInterval(), proofs == null ? null : proofs::prove);
  }

  /** The replication side of the node: engine, its thread, the node-to-node server and client connections. */
  private final class Replication implements ReplicationListener {
    final ExecutorScheduler scheduler = new ExecutorScheduler("replicator");
    final Membership membership;
    final GrpcPeerConnector connector;
    final Replicator replicator;
    final ReplicationGrpcServer server;
    private org.xmtpj.node.replication.PeersFile peersFile;

    Replication(NodeConfig config, Ed25519KeyPair key, OriginKey self, Clock clock, NodeMetrics metrics) {
      this.membership = chain != null ? chain.membership()
          : new StaticMembership(self, config.replication().peers());
      this.connector = new GrpcPeerConnector(config.replication(), key, membership, clock);
      this.replicator = new Replicator(self, writerLog(), store, membership, connector, scheduler, clock,
          new java.security.SecureRandom(), config.replication(), ReplicatorOptions.DEFAULTS,
          new ReplicationPrometheus(metrics.registry()));
      this.server = new ReplicationGrpcServer(new InetSocketAddress(config.host(), config.replication().port()),
          config.replication(), key, membership, replicator.handler(), clock);
      originator.setReplicationListener(this);
    }

    /** The writer as replication sees it: inserts, and the retention steps learned from peers. */
    private LocalLog writerLog() {
      return new LocalLog() {
        @Override
        public CompletableFuture<List<Boolean>> insert(List<SignedEvent> events) {
          return originator.insertReplicated(events);
        }

        @Override
        public CompletableFuture<Void> raiseFloor(OriginKey origin, long floor) {
          return originator.raiseFloor(origin, floor);
        }

        @Override
        public CompletableFuture<Integer> retireHeads(TopicKey topic, List<EventId> heads) {
          return originator.retireHeads(topic, heads);
        }
      };
    }

    @Override
    public void originated(java.util.List<org.xmtpj.dag.SignedEvent> events) {
      replicator.onOriginated(events);
    }

    @Override
    public void evidence(java.util.List<Evidence> evidence) {
      evidence.forEach(e -> LOG.warn("equivocation by origin {} at sequence {} (see /debug/evidence)",
          e.origin().hex(), e.originSeq()));
    }

    void start() throws IOException {
      server.start();
      java.nio.file.Path file = config.replication().peersFile();
      if (file != null) {
        if (!(membership instanceof StaticMembership s)) {
          throw new IllegalStateException("a peers file needs static membership; with a chain, peers come from it");
        }
        // read before the replicator starts: its first catch-up dials the peers known then, the file's included
        peersFile = org.xmtpj.node.replication.PeersFile.watch(file, PEERS_FILE_PERIOD, s::replaceFilePeers);
      }
      replicator.start();
    }

    void stop() {
      if (peersFile != null) {
        peersFile.close();
      }
      replicator.stop();
      server.stop(java.time.Duration.ofSeconds(1));
      scheduler.close();
      connector.close();
    }
  }

  /** Catches up with the chain before replication starts, so that the first peer set is the chain's. */
  private ChainFollower startChain(NodeConfig config, OriginKey self, Clock clock, NodeMetrics metrics)
      throws IOException {
    try {
      return ChainFollower.start(config.chain(), self, clock, metrics.registry(), CHAIN_START_TIMEOUT);
    } catch (IOException | RuntimeException e) {
      originator.close();
      store.close();
      throw e;
    }
  }

  public XmtpNode start() throws IOException {
    if (replication != null) {
      replication.start();
    }
    if (checkpointer != null) {
      checkpointer.start();
    }
    grpc.start();
    if (storeHealth.damaged()) {
      grpc.notServing();
    }
    http.start();
    serving = true;
    scrub.start(); // after serving starts: reads are checked anyway, the scrub finds what no one reads
    ports().write(config.dataDir());
    LOG.info("xmtpd node {} serving: http={} grpc={} replication={}", nodeId(), http.port(), grpc.port(),
        replication == null ? "off" : replication.server.port());
    return this;
  }

  /** The first damage the store reported while serving: health checks say NOT_SERVING from now on. */
  private void storeDamaged() {
    GrpcApiServer api = this.grpc;
    if (api != null) {
      api.notServing();
    }
  }

  /** The ports this node bound (the ones asked for, or the ephemeral ones it got for port 0). */
  public NodePorts ports() {
    return new NodePorts(nodeId(), http.port(), grpc.port(), replicationPort());
  }

  public String nodeId() {
    return HexFormat.of().formatHex(key.publicKey());
  }

  public int httpPort() {
    return http.port();
  }

  public int grpcPort() {
    return grpc.port();
  }

  public int activeSubscriptions() {
    return hub.activeSubscriptions();
  }

  /** The node-to-node port, or -1 when replication is off. */
  public int replicationPort() {
    return replication == null ? -1 : replication.server.port();
  }

  /** The replication engine, or null when replication is off. */
  public Replicator replicator() {
    return replication == null ? null : replication.replicator;
  }

  public NodeConfig config() {
    return config;
  }

  /** The live streams: how many there are, and for how many clients. */
  public SubscriptionHub subscriptions() {
    return hub;
  }

  /**
   * The node's store, for tests that look inside a running node (e.g. the cluster tests in {@code testing}, which
   * check floors and stored ranges). Read it only: a write here bypasses the node's originator and replicator.
   */
  public EventStore store() {
    return store;
  }

  /**
   * Drain order matters: stop taking requests, let in-flight publishes reach the disk, end streams, then close
   * the store. Nothing acknowledged is lost because acknowledgements happen only after fsync.
   */
  @Override
  public void close() {
    serving = false;
    int grace = (int) Math.max(1, config.shutdownGrace().toSeconds());
    http.stop(Math.min(grace, 2));
    grpc.stop(java.time.Duration.ofSeconds(Math.min(grace, 2)));
    if (replication != null) {
      replication.stop();
    }
    if (checkpointer != null) {
      checkpointer.close();
    }
    if (chain != null) {
      chain.close();
    }
    originator.close();
    hub.closeAll();
    scrub.stop();
    store.close();
    LOG.info("xmtpd node {} stopped", nodeId());
  }
}
