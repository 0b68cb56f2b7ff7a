package org.xmtpj.node.checkpoint;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** What checkpoint consensus exports: the newest signed and finalized epochs, and epochs that got no quorum. */
final class ConsensusMetrics {
  private final Gauge signed;
  private final Gauge finalized;
  private final Counter stalled;

  ConsensusMetrics(PrometheusRegistry registry) {
    signed = Gauge.builder().name("xmtpd_checkpoint_last_signed_epoch")
        .help("newest epoch whose checkpoint this node signed").register(registry);
    finalized = Gauge.builder().name("xmtpd_checkpoint_last_finalized_epoch")
        .help("newest epoch with a checkpoint finalized on chain, as this node last saw it").register(registry);
    stalled = Counter.builder().name("xmtpd_checkpoint_stalled_epochs")
        .help("epochs without a checkpoint two epochs later (no 2/3 of the stake agreed)").register(registry);
  }

  void signed(long epoch) {
    signed.set(epoch);
  }

  void finalized(long epoch) {
    finalized.set(Math.max(finalized.get(), epoch));
  }

  void stalled() {
    stalled.inc();
  }
}
