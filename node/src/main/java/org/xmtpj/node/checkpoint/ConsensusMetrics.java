package org.xmtpj.node.checkpoint;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * What checkpoint consensus exports: the newest signed and finalized epochs, epochs that got no quorum, and the
 * signature records held until their epoch's active set is final or dropped unchecked.
 */
final class ConsensusMetrics {
  private final Gauge signed;
  private final Gauge finalized;
  private final Counter stalled;
  private final Gauge held;
  private final Counter dropped;

  ConsensusMetrics(PrometheusRegistry registry) {
    signed = Gauge.builder().name("xmtpd_checkpoint_last_signed_epoch")
        .help("newest epoch whose checkpoint this node signed").register(registry);
    finalized = Gauge.builder().name("xmtpd_checkpoint_last_finalized_epoch")
        .help("newest epoch with a checkpoint finalized on chain, as this node last saw it").register(registry);
    stalled = Counter.builder().name("xmtpd_checkpoint_stalled_epochs")
        .help("epochs without a checkpoint two epochs later (no 2/3 of the stake agreed)").register(registry);
    held = Gauge.builder().name("xmtpd_checkpoint_signatures_held")
        .help("signature records kept unchecked until their epoch's active set is final").register(registry);
    dropped = Counter.builder().name("xmtpd_checkpoint_signatures_dropped")
        .help("signature records dropped unchecked: epoch too old or not begun, or the held budget was spent")
        .register(registry);
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

  void held(int records) {
    held.set(records);
  }

  void dropped(int records) {
    if (records > 0) {
      dropped.inc(records);
    }
  }
}
