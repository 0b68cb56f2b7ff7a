package org.xmtpj.node.replication;

/** What replication reports; the node's Prometheus metrics implement it. */
public interface ReplicationMetrics {
  void received(int events);

  void inserted(int events);

  void rejected(String reason, int events);

  void pending(int events);

  void banned(String peer);

  void syncRound(boolean inSync);

  /** Time from an event's creation on its origin to its insert here (origin and local clocks). */
  void propagationDelay(long millis);

  ReplicationMetrics NONE = new ReplicationMetrics() {
    @Override
    public void received(int events) {}

    @Override
    public void inserted(int events) {}

    @Override
    public void rejected(String reason, int events) {}

    @Override
    public void pending(int events) {}

    @Override
    public void banned(String peer) {}

    @Override
    public void syncRound(boolean inSync) {}

    @Override
    public void propagationDelay(long millis) {}
  };
}
