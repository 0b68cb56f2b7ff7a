package org.xmtpj.dag;

/**
 * An event with its recomputed id, the proof that its origin signed it, and its canonical encoding
 * (body ‖ proof), ready to store or send.
 */
public record SignedEvent(EventId id, Event event, BatchProof proof, byte[] encoded) {}
