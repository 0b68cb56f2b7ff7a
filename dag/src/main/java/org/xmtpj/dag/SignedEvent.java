package org.xmtpj.dag;

/** An event with its recomputed id and its canonical encoding (body ‖ signature), ready to store or send. */
public record SignedEvent(EventId id, Event event, byte[] encoded) {}
