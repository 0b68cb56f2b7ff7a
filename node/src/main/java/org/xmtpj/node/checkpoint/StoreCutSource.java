package org.xmtpj.node.checkpoint;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.Event;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.state.CutSource;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.OriginProgress;

/**
 * The cut rule's view of a node's store. The vector is read once per instance, so one checkpoint computation sees
 * one consistent "what is contiguous" even while replication keeps inserting.
 */
final class StoreCutSource implements CutSource {
  /** Bytes per origin range read: a page of events is bounded by count and by size. */
  private static final long PAGE_BYTES = 8L << 20;

  private final EventStore store;
  private final Map<OriginKey, OriginProgress> vector;

  StoreCutSource(EventStore store) {
    this.store = store;
    this.vector = store.vector();
  }

  @Override
  public Set<OriginKey> origins() {
    return vector.keySet();
  }

  @Override
  public long contiguous(OriginKey origin) {
    OriginProgress p = vector.get(origin);
    return p == null ? 0 : p.contiguous();
  }

  @Override
  public List<CutEvent> after(OriginKey origin, long afterSeq, int max) {
    List<CutEvent> out = new ArrayList<>();
    for (byte[] encoded : store.originRange(origin, afterSeq + 1, max, PAGE_BYTES)) {
      out.add(toCutEvent(EventCodec.decode(encoded)));
    }
    return out;
  }

  @Override
  public Map<EventId, Position> positions(Collection<EventId> ids) {
    Map<EventId, Position> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    for (byte[] encoded : store.events(ids)) {
      SignedEvent e = EventCodec.decode(encoded);
      out.put(e.id(), new Position(new OriginKey(e.event().origin()), e.event().originSeq()));
    }
    return out;
  }

  static CutEvent toCutEvent(SignedEvent s) {
    Event e = s.event();
    return new CutEvent(s.id(), new OriginKey(e.origin()), e.originSeq(), e.createdAtMs(), e.topicId(), e.parents());
  }
}
