package org.xmtpj.store;

import org.xmtpj.dag.TopicKey;

/**
 * @param name the content topic, or null if only events without an envelope were seen
 * @param headsHash SHA-256("xmtpj/heads/v1\0" ‖ topic key ‖ head ids ascending)
 */
public record TopicSummary(TopicKey key, String name, long events, byte[] headsHash) {}
