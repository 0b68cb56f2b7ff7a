package org.xmtpj.node;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.crypto.auth.AuthTokenValidator;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.node.api.MessageApiCore;
import org.xmtpj.node.grpc.GrpcApiServer;
import org.xmtpj.node.http.HttpGateway;
import org.xmtpj.node.ingest.Originator;
import org.xmtpj.node.metrics.NodeMetrics;
import org.xmtpj.node.ratelimit.RateLimiter;
import org.xmtpj.node.subscribe.SubscriptionHub;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;

/** Composition root of one xmtpd node: constructor wiring, start, and an orderly drain on stop. */
public final class XmtpNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(XmtpNode.class);

  private final NodeConfig config;
  private final Ed25519KeyPair key;
  private final EventStore store;
  private final Originator originator;
  private final SubscriptionHub hub;
  private final HttpGateway http;
  private final GrpcApiServer grpc;
  private volatile boolean serving;

  public XmtpNode(NodeConfig config, Clock clock) throws IOException {
    this.config = config;
    this.key = NodeKey.loadOrCreate(config.dataDir());
    this.store = config.dbUrl() == null ? EventStores.sqlite(config.dataDir()) : EventStores.open(config.dbUrl());
    NodeMetrics metrics = new NodeMetrics(store::stats);
    long lastSeq = store.writerState(key.publicKey()).lastLocalSeq();
    this.hub = new SubscriptionHub(store, lastSeq, config.subscriberQueue(), config.keepAliveInterval(), metrics);
    this.originator = new Originator(store, new EventSigner(key), hub, clock, metrics,
        config.maxBatchEnvelopes(), config.maxQueuedPublishes());
    MessageApiCore core = new MessageApiCore(new AuthTokenValidator(clock, config.maxTokenAge()), originator, store,
        hub, config.limits());
    RateLimiter rateLimiter = new RateLimiter(config.rateLimit(), System::nanoTime);
    this.http = new HttpGateway(new InetSocketAddress(config.host(), config.httpPort()), core, rateLimiter,
        metrics, () -> serving);
    this.grpc = new GrpcApiServer(new InetSocketAddress(config.host(), config.grpcPort()), core, rateLimiter,
        metrics, config.keepAliveInterval());
  }

  public XmtpNode start() throws IOException {
    grpc.start();
    http.start();
    serving = true;
    LOG.info("xmtpd node {} serving: http={} grpc={}", nodeId(), http.port(), grpc.port());
    return this;
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

  public NodeConfig config() {
    return config;
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
    originator.close();
    hub.closeAll();
    store.close();
    LOG.info("xmtpd node {} stopped", nodeId());
  }
}
