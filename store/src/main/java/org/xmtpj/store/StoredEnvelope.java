package org.xmtpj.store;

import org.xmtpj.dag.ClientEnvelope;

/** An envelope read back from the store with its local sequence (0 for one that was never stored). */
public record StoredEnvelope(long localSeq, ClientEnvelope envelope) {}
