package org.xmtpj.node.subscribe;

/** What subscriptions report; implemented by the node's metrics. */
public interface SubscriptionMetrics {
  void subscribers(int active);

  /**
   * A subscription was registered with the hub: envelopes committed from now on reach it. Tests (the xmtp-js compat
   * driver) wait on this count instead of guessing when a client's subscribe request has arrived.
   *
   * @param transport "http" or "grpc"
   */
  void opened(String transport);

  void delivered(long nanosSinceCommit);

  void fellBehind();

  void droppedUnstored();

  SubscriptionMetrics NONE = new SubscriptionMetrics() {
    @Override
    public void subscribers(int active) {}

    @Override
    public void opened(String transport) {}

    @Override
    public void delivered(long nanosSinceCommit) {}

    @Override
    public void fellBehind() {}

    @Override
    public void droppedUnstored() {}
  };
}
