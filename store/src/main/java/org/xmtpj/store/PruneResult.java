package org.xmtpj.store;

import java.util.List;

/**
 * One pruning pass.
 *
 * @param pruned events deleted
 * @param more the pass stopped at its bound before reaching the horizon: call again soon
 * @param visible envelopes that became their digest's representative because the previous one was pruned, with
 *     their new local sequences (deliver them like any newly visible envelope)
 */
public record PruneResult(int pruned, boolean more, List<StoredEnvelope> visible) {
  public PruneResult {
    visible = List.copyOf(visible);
  }
}
