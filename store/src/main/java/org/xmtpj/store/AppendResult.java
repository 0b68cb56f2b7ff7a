package org.xmtpj.store;

import java.util.List;

/**
 * What one append did.
 *
 * @param inserted per input event, in input order: true if stored now, false if its id was already stored
 * @param visible envelopes that became visible to clients, in local-sequence order (for subscribers)
 * @param evidence equivocations this append revealed (same origin and sequence, different events)
 */
public record AppendResult(List<Boolean> inserted, List<StoredEnvelope> visible, List<Evidence> evidence) {
  public AppendResult {
    inserted = List.copyOf(inserted);
    visible = List.copyOf(visible);
    evidence = List.copyOf(evidence);
  }

  public int insertedCount() {
    return (int) inserted.stream().filter(b -> b).count();
  }
}
