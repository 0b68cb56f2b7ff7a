package org.xmtpj.store;

import org.xmtpj.dag.OriginKey;

/** Proof that an origin signed two different events with one sequence number: both canonical encodings. */
public record Evidence(OriginKey origin, long originSeq, byte[] first, byte[] second) {}
