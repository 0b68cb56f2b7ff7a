package org.xmtpj.node.ingest;

/** What the write path reports; implemented by the node's metrics. */
public interface IngestMetrics {
  void committed(int publishes, int storedEvents, long commitNanos);

  void publishLatency(long nanos);

  void rejectedOverload();

  IngestMetrics NONE = new IngestMetrics() {
    @Override
    public void committed(int publishes, int storedEvents, long commitNanos) {}

    @Override
    public void publishLatency(long nanos) {}

    @Override
    public void rejectedOverload() {}
  };
}
