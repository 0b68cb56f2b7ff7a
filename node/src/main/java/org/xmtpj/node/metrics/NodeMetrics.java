package org.xmtpj.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Supplier;
import org.xmtpj.node.ingest.IngestMetrics;
import org.xmtpj.node.subscribe.SubscriptionMetrics;
import org.xmtpj.store.StoreStats;

/** Every metric the node exports, in one place, registered on the node's own registry (no static globals). */
public final class NodeMetrics implements IngestMetrics, SubscriptionMetrics {
  private static final double[] LATENCY_BUCKETS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram requestSeconds;
  private final Counter rejected;
  private final Counter envelopesPublished;
  private final Counter commits;
  private final Counter eventsStored;
  private final Histogram commitSeconds;
  private final Histogram publishQueueSeconds;
  private final Gauge subscribers;
  private final Counter subscriptionsOpened;
  private final Histogram fanoutSeconds;
  private final Counter subscribersBehind;
  private final Counter droppedUnstored;

  public NodeMetrics(Supplier<StoreStats> storeStats) {
    requests = Counter.builder().name("xmtpd_api_requests").help("client API requests by method and transport")
        .labelNames("method", "transport").register(registry);
    requestSeconds = histogram("xmtpd_api_request_seconds", "client API latency by method and transport",
        "method", "transport");
    rejected = Counter.builder().name("xmtpd_api_rejected").help("client requests rejected, by reason")
        .labelNames("method", "reason").register(registry);
    envelopesPublished = Counter.builder().name("xmtpd_envelopes_published")
        .help("envelopes accepted by publish (stored, duplicate or ephemeral)").register(registry);
    commits = Counter.builder().name("xmtpd_store_commits").help("durable write transactions (group commits)")
        .register(registry);
    eventsStored = Counter.builder().name("xmtpd_store_events_written").help("events written to the store")
        .register(registry);
    commitSeconds = histogram("xmtpd_store_commit_seconds", "time to build and fsync one write transaction");
    publishQueueSeconds = histogram("xmtpd_publish_durable_seconds",
        "time from a publish entering the write queue until it is durable");
    subscribers = Gauge.builder().name("xmtpd_subscribers").help("open subscriptions").register(registry);
    subscriptionsOpened = Counter.builder().name("xmtpd_subscriptions_opened")
        .help("subscriptions registered for live delivery, by transport").labelNames("transport")
        .register(registry);
    // exported as 0 from the start, so a reader can tell "none yet" from "this node has no such metric"
    subscriptionsOpened.initLabelValues("http");
    subscriptionsOpened.initLabelValues("grpc");
    fanoutSeconds = histogram("xmtpd_subscription_fanout_seconds",
        "time from commit hand-off to the envelope being written to a subscriber");
    subscribersBehind = Counter.builder().name("xmtpd_subscriptions_fell_behind")
        .help("times a subscription overflowed its queue and caught up from the store").register(registry);
    droppedUnstored = Counter.builder().name("xmtpd_subscriptions_skipped_unstored")
        .help("ephemeral or duplicate envelopes a lagging subscriber could not be given").register(registry);
    GaugeWithCallback.builder().name("xmtpd_store_events").help("events in the store")
        .callback(cb -> cb.call(storeStats.get().events())).register(registry);
    GaugeWithCallback.builder().name("xmtpd_store_topics").help("topics in the store")
        .callback(cb -> cb.call(storeStats.get().topics())).register(registry);
    GaugeWithCallback.builder().name("xmtpd_store_event_bytes").help("bytes of stored events")
        .callback(cb -> cb.call(storeStats.get().payloadBytes())).register(registry);
    JvmMemoryGauges.register(registry);
  }

  private Histogram histogram(String name, String help, String... labels) {
    return Histogram.builder().name(name).help(help).labelNames(labels).classicOnly()
        .classicUpperBounds(LATENCY_BUCKETS).register(registry);
  }

  public PrometheusRegistry registry() {
    return registry;
  }

  public void request(String method, String transport, long nanos) {
    requests.labelValues(method, transport).inc();
    requestSeconds.labelValues(method, transport).observe(nanos / 1e9);
  }

  public void rejected(String method, String reason) {
    rejected.labelValues(method, reason).inc();
  }

  public void envelopesPublished(int n) {
    envelopesPublished.inc(n);
  }

  @Override
  public void committed(int publishes, int storedEvents, long commitNanos) {
    commits.inc();
    eventsStored.inc(storedEvents);
    commitSeconds.observe(commitNanos / 1e9);
  }

  @Override
  public void publishLatency(long nanos) {
    publishQueueSeconds.observe(nanos / 1e9);
  }

  @Override
  public void rejectedOverload() {
    rejected.labelValues("publish", "overloaded").inc();
  }

  @Override
  public void subscribers(int active) {
    subscribers.set(active);
  }

  @Override
  public void opened(String transport) {
    subscriptionsOpened.labelValues(transport).inc();
  }

  @Override
  public void delivered(long nanosSinceCommit) {
    fanoutSeconds.observe(nanosSinceCommit / 1e9);
  }

  @Override
  public void fellBehind() {
    subscribersBehind.inc();
  }

  @Override
  public void droppedUnstored() {
    droppedUnstored.inc();
  }
}
