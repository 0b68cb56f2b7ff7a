package org.xmtpj.node.subscribe;

import java.util.HashMap;
import java.util.Map;

/**
 * The accounting behind {@link StreamLimits}: streams and subscribed topics per client and on the node. Admission
 * checks and books in one step, so concurrent subscribers cannot overshoot; a client's entry goes once it holds
 * nothing, so the table is no bigger than the open streams.
 */
final class StreamBudget {
  private final StreamLimits limits;
  private final Map<String, Usage> clients = new HashMap<>(); // guarded by this
  private int streams; // guarded by this
  private int allTopicStreams; // guarded by this
  private long topics; // guarded by this

  private static final class Usage {
    int streams;
    int allTopicStreams;
    long topics;
  }

  StreamBudget(StreamLimits limits) {
    this.limits = limits;
  }

  /** Books a stream of {@code topicCount} topics ({@code -1}: SubscribeAll), or refuses it and books nothing. */
  synchronized void admit(String client, int topicCount) {
    Usage u = clients.get(client);
    int clientStreams = u == null ? 0 : u.streams;
    long clientTopics = u == null ? 0 : u.topics;
    int n = Math.max(0, topicCount);
    if (streams >= limits.maxStreams()) {
      throw new StreamRefused("node_stream_limit", "this node serves " + streams + " streams, its limit "
          + "(limits.maxStreams); try again later or another node");
    }
    if (clientStreams >= limits.maxStreamsPerClient()) {
      throw new StreamRefused("client_stream_limit", "this client has " + clientStreams + " open streams, the "
          + "limit (limits.maxStreamsPerClient); close one, or subscribe to several topics in one stream");
    }
    if (topicCount < 0 && allTopicStreams >= limits.maxSubscribeAllStreams()) {
      throw new StreamRefused("subscribe_all_limit", "this node serves " + allTopicStreams + " SubscribeAll "
          + "streams, its limit (limits.maxSubscribeAllStreams)");
    }
    if (topicCount < 0 && u != null && u.allTopicStreams >= limits.maxSubscribeAllPerClient()) {
      throw new StreamRefused("client_subscribe_all_limit", "this client has " + u.allTopicStreams + " open "
          + "SubscribeAll streams, the limit (limits.maxSubscribeAllPerClient); close one first");
    }
    checkTopics(clientTopics, n);
    Usage booked = clients.computeIfAbsent(client, k -> new Usage());
    booked.streams++;
    booked.topics += n;
    streams++;
    topics += n;
    if (topicCount < 0) {
      allTopicStreams++;
      booked.allTopicStreams++;
    }
  }

  /** A stream's topic set changes from {@code from} topics to {@code to}; refused (nothing changes) past a limit. */
  synchronized void resize(String client, int from, int to) {
    Usage u = clients.get(client);
    if (u == null) {
      throw new IllegalStateException("no stream booked for " + client);
    }
    if (to > from) {
      checkTopics(u.topics, to - from);
    }
    u.topics += to - from;
    topics += to - from;
  }

  synchronized void release(String client, int topicCount) {
    Usage u = clients.get(client);
    if (u == null) {
      return;
    }
    int n = Math.max(0, topicCount);
    u.streams--;
    u.topics -= n;
    streams--;
    topics -= n;
    if (topicCount < 0) {
      allTopicStreams--;
      u.allTopicStreams--;
    }
    if (u.streams == 0) {
      clients.remove(client);
    }
  }

  private void checkTopics(long clientTopics, int more) {
    if (clientTopics + more > limits.maxTopicsPerClient()) {
      throw new StreamRefused("client_topic_limit", "this client's streams would hold " + (clientTopics + more)
          + " topics, more than the limit of " + limits.maxTopicsPerClient() + " (limits.maxTopicsPerClient)");
    }
    if (topics + more > limits.maxTopics()) {
      throw new StreamRefused("node_topic_limit", "this node's streams hold " + topics + " topics; " + more
          + " more would pass its limit of " + limits.maxTopics() + " (limits.maxTopics); try another node");
    }
  }

  synchronized int clientsTracked() {
    return clients.size();
  }
}
