package org.xmtpj.store;

/**
 * One entry of the node's vector.
 *
 * @param contiguous the highest n such that events 1..n of this origin are all stored (causally complete)
 * @param maxSeen the highest sequence stored for this origin
 */
public record OriginProgress(long contiguous, long maxSeen) {}
