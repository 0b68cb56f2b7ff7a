package org.xmtpj.store;

import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.SignedEvent;

/**
 * An event ready to append. The store assigns the local (delivery) sequence itself.
 *
 * @param event the signed, verified event (its parents leave the heads, it becomes one)
 * @param envelope the client envelope it carries, or null for events without one (merge events)
 * @param hiddenUntilMs 0 if clients may see it now; otherwise the local time from which they may (future-dated
 *     events are stored and replicated but hidden until then, see {@link EventStore#releaseDue})
 */
public record StoredEvent(SignedEvent event, ClientEnvelope envelope, long hiddenUntilMs) {
  public Digest digest() {
    return envelope == null ? null : new Digest(envelope.digest());
  }
}
