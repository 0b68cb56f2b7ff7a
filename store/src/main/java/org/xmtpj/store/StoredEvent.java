package org.xmtpj.store;

import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.SignedEvent;

/**
 * An event ready to append.
 *
 * @param localSeq this store's arrival order, assigned by the single writer (strictly increasing)
 * @param event the signed event (its parents leave the heads, it becomes one)
 * @param envelope the decoded client envelope the event carries
 * @param digest the envelope digest
 */
public record StoredEvent(long localSeq, SignedEvent event, ClientEnvelope envelope, Digest digest) {}
