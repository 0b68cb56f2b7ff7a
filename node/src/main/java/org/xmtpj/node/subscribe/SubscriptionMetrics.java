package org.xmtpj.node.subscribe;

/** What subscriptions report; implemented by the node's metrics. */
public interface SubscriptionMetrics {
  void subscribers(int active);

  void delivered(long nanosSinceCommit);

  void fellBehind();

  void droppedUnstored();

  SubscriptionMetrics NONE = new SubscriptionMetrics() {
    @Override
    public void subscribers(int active) {}

    @Override
    public void delivered(long nanosSinceCommit) {}

    @Override
    public void fellBehind() {}

    @Override
    public void droppedUnstored() {}
  };
}
