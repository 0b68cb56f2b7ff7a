package org.xmtpj.dag.state;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;

/** What the cut rule reads from a node's store. */
public interface CutSource {

  /** Every origin the store has events of. */
  Set<OriginKey> origins();

  /** The highest {@code s} such that events 1..s of the origin are all stored (or pruned below its floor). */
  long contiguous(OriginKey origin);

  /** Stored events of the origin with sequence above {@code afterSeq}, ascending, at most {@code max}. */
  List<CutEvent> after(OriginKey origin, long afterSeq, int max);

  /** Where stored events sit (origin and sequence); ids not stored are left out. */
  Map<EventId, Position> positions(Collection<EventId> ids);

  /** An event as the cut rule needs it. */
  record CutEvent(EventId id, OriginKey origin, long seq, long createdAtMs, byte[] topicId, List<EventId> parents) {
    public CutEvent {
      parents = List.copyOf(parents);
    }
  }

  /** An event's place in its origin's sequence. */
  record Position(OriginKey origin, long seq) {}
}
