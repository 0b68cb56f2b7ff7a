package org.xmtpj.node.subscribe;

/**
 * What live streams may hold of a node: each stream costs a delivery thread, a queue and its topic set, and each
 * SubscribeAll stream sees every envelope on the writer's hand-off. Local policy (a node's own resources), not
 * validity: a refused stream changes nothing stored. Clients are keyed as the rate limiter keys them.
 *
 * @param maxStreams open streams on the node
 * @param maxStreamsPerClient open streams of one client
 * @param maxSubscribeAllStreams open SubscribeAll streams on the node (every envelope goes to each)
 * @param maxTopics topics subscribed over all streams of the node (a stream of n topics counts n)
 * @param maxTopicsPerClient topics subscribed over all streams of one client
 * @param maxSubscribeAllPerClient open SubscribeAll streams of one client, so that one client cannot take every
 *     SubscribeAll place of the node
 */
public record StreamLimits(int maxStreams, int maxStreamsPerClient, int maxSubscribeAllStreams, long maxTopics,
    int maxTopicsPerClient, int maxSubscribeAllPerClient) {

  /**
   * Room for 10,000 streams, 100 a client; 200,000 subscribed topics, 20,000 a client (about 80 MB of topic sets
   * at the longest topics); 16 SubscribeAll streams, which xmtp-js never opens, 2 a client.
   */
  public static final StreamLimits DEFAULTS = new StreamLimits(10_000, 100, 16, 200_000, 20_000, 2);

  /** Limits as before, with {@link #maxSubscribeAllPerClient} at its default. */
  public StreamLimits(int maxStreams, int maxStreamsPerClient, int maxSubscribeAllStreams, long maxTopics,
      int maxTopicsPerClient) {
    this(maxStreams, maxStreamsPerClient, maxSubscribeAllStreams, maxTopics, maxTopicsPerClient, 2);
  }

  public StreamLimits {
    if (maxStreams < 1 || maxStreamsPerClient < 1 || maxSubscribeAllStreams < 0 || maxTopics < 1
        || maxTopicsPerClient < 1 || maxSubscribeAllPerClient < 0) {
      throw new IllegalArgumentException("stream limits must be positive (the SubscribeAll ones may be 0)");
    }
  }
}
