package org.xmtpj.store;

/** Sizes for metrics. */
public record StoreStats(long events, long topics, long payloadBytes) {}
