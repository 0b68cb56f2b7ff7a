package org.xmtpj.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.xmtpj.node.replication.ReplicationMetrics;

/** Replication metrics on the node's registry. */
public final class ReplicationPrometheus implements ReplicationMetrics {
  private final Counter received;
  private final Counter inserted;
  private final Counter rejected;
  private final Gauge pending;
  private final Counter bans;
  private final Counter rounds;
  private final io.prometheus.metrics.core.metrics.Histogram delay;

  public ReplicationPrometheus(PrometheusRegistry registry) {
    received = Counter.builder().name("xmtpd_replication_received_events")
        .help("events received from peers (pushes and fetches), before validation").register(registry);
    inserted = Counter.builder().name("xmtpd_replication_inserted_events")
        .help("replicated events newly stored").register(registry);
    rejected = Counter.builder().name("xmtpd_replication_rejected_events")
        .help("replicated events dropped, by reason").labelNames("reason").register(registry);
    pending = Gauge.builder().name("xmtpd_replication_pending_events")
        .help("orphans waiting for their parents").register(registry);
    bans = Counter.builder().name("xmtpd_replication_peer_bans").help("peer bans, by peer")
        .labelNames("peer").register(registry);
    rounds = Counter.builder().name("xmtpd_replication_sync_rounds")
        .help("anti-entropy rounds, by whether the peers were already in sync").labelNames("in_sync")
        .register(registry);
    delay = io.prometheus.metrics.core.metrics.Histogram.builder().name("xmtpd_replication_delay_seconds")
        .help("time from an event's creation on its origin to its insert on this node (clocks of both)")
        .classicOnly().classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
        .register(registry);
  }

  @Override
  public void propagationDelay(long millis) {
    delay.observe(Math.max(0, millis) / 1000.0);
  }

  @Override
  public void received(int events) {
    received.inc(events);
  }

  @Override
  public void inserted(int events) {
    inserted.inc(events);
  }

  @Override
  public void rejected(String reason, int events) {
    rejected.labelValues(reason).inc(events);
  }

  @Override
  public void pending(int events) {
    pending.set(events);
  }

  @Override
  public void banned(String peer) {
    bans.labelValues(peer.substring(0, Math.min(16, peer.length()))).inc();
  }

  @Override
  public void syncRound(boolean inSync) {
    rounds.labelValues(Boolean.toString(inSync)).inc();
  }
}
