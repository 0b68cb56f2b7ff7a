package org.xmtpj.node.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.SignedEvent;

/**
 * Verified events whose parents are not all stored yet (orphans). Bounded per peer in events and bytes, so a peer
 * that floods unresolvable parents fills only its own quota; entries expire and are charged to the peer that sent
 * them. Owned by the replication thread.
 */
final class PendingBuffer {
  record Entry(SignedEvent event, OriginKey from, long addedAtMs, Set<EventId> missing) {}

  private final int maxEventsPerPeer;
  private final long maxBytesPerPeer;
  private final long ttlMs;
  private final Map<EventId, Entry> entries = new LinkedHashMap<>(); // insertion order = age order
  private final Map<EventId, Set<EventId>> waitingOn = new HashMap<>();
  private final Map<OriginKey, long[]> usage = new HashMap<>(); // {events, bytes}

  PendingBuffer(int maxEventsPerPeer, long maxBytesPerPeer, long ttlMs) {
    this.maxEventsPerPeer = maxEventsPerPeer;
    this.maxBytesPerPeer = maxBytesPerPeer;
    this.ttlMs = ttlMs;
  }

  boolean contains(EventId id) {
    return entries.containsKey(id);
  }

  int size() {
    return entries.size();
  }

  /** False if the sender's quota is full (the event is dropped). */
  boolean add(SignedEvent event, OriginKey from, long nowMs, Set<EventId> missing) {
    if (entries.containsKey(event.id())) {
      return true;
    }
    long[] u = usage.computeIfAbsent(from, k -> new long[2]);
    if (u[0] + 1 > maxEventsPerPeer || u[1] + event.encoded().length > maxBytesPerPeer) {
      return false;
    }
    u[0]++;
    u[1] += event.encoded().length;
    entries.put(event.id(), new Entry(event, from, nowMs, new HashSet<>(missing)));
    missing.forEach(m -> waitingOn.computeIfAbsent(m, k -> new HashSet<>()).add(event.id()));
    return true;
  }

  /** A parent arrived: returns the entries it completed (removed from the buffer). */
  List<Entry> resolve(EventId parent) {
    Set<EventId> children = waitingOn.remove(parent);
    if (children == null) {
      return List.of();
    }
    List<Entry> complete = new ArrayList<>();
    for (EventId child : children) {
      Entry e = entries.get(child);
      if (e != null) {
        e.missing().remove(parent);
        if (e.missing().isEmpty()) {
          remove(child);
          complete.add(e);
        }
      }
    }
    return complete;
  }

  /** Missing parents with the entries waiting on them, for ancestor fetches. */
  Map<EventId, Entry> missingParents() {
    Map<EventId, Entry> out = new LinkedHashMap<>();
    for (Entry e : entries.values()) {
      e.missing().forEach(m -> out.putIfAbsent(m, e));
    }
    return out;
  }

  /** Removes entries older than the TTL; returns them so their senders can be charged. */
  List<Entry> expire(long nowMs) {
    List<Entry> out = new ArrayList<>();
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (nowMs - e.addedAtMs() < ttlMs) {
        break;
      }
      out.add(e);
    }
    out.forEach(e -> remove(e.event().id()));
    return out;
  }

  /** Drops an entry for good (e.g. its parent turned out to be in another topic). */
  void remove(EventId id) {
    Entry e = entries.remove(id);
    if (e == null) {
      return;
    }
    long[] u = usage.get(e.from());
    u[0]--;
    u[1] -= e.event().encoded().length;
    for (EventId m : e.missing()) {
      Set<EventId> w = waitingOn.get(m);
      if (w != null && w.remove(id) && w.isEmpty()) {
        waitingOn.remove(m);
      }
    }
  }

  int usedBy(OriginKey peer) {
    long[] u = usage.get(peer);
    return u == null ? 0 : (int) u[0];
  }
}
