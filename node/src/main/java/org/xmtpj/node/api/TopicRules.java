package org.xmtpj.node.api;

import org.xmtpj.dag.OwnedTopics;

/**
 * What a node must know about XMTP topic names: which are relayed but never stored, which only their owner may
 * write, and which allow larger pages. Parsing follows node-go ({@code split("/")[3]}), because topic names such
 * as {@code privatestore-<addr>/key_bundle} contain slashes. Owner-only topics are a validity rule that every
 * replica checks ({@link OwnedTopics}); the rest is what this node's API enforces.
 */
public final class TopicRules {
  private static final String PREFIX = "/xmtp/0/";

  private TopicRules() {}

  public static boolean isEphemeral(String topic) {
    return topic.startsWith(PREFIX + "mE-") || topic.startsWith(PREFIX + "dmE-");
  }

  /** Topics under {@code /xmtpj/} carry node-to-node data (checkpoint signatures): clients may not write them. */
  public static boolean isNodeReserved(String topic) {
    return topic.startsWith("/xmtpj/");
  }

  public static boolean isUserPreferences(String topic) {
    return topic.startsWith(PREFIX + "userpreferences-");
  }

  /** The wallet that owns a {@code contact-} or {@code privatestore-} topic, or null if anyone may write. */
  public static String restrictedOwner(String topic) {
    return OwnedTopics.owner(topic);
  }
}
