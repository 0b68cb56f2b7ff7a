package org.xmtpj.node.replication;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;

/**
 * Fetches the missing ancestors of pending events with GetAncestors: one request per topic and up to 16 wanted
 * ids, to the peer that sent the orphan first, then to up to two others. Owned by the replication thread.
 */
final class AncestorFetcher {
  private final Replicator r;
  /** Missing parents asked for and not answered yet. */
  private final Map<EventId, Integer> requested = new HashMap<>();

  AncestorFetcher(Replicator r) {
    this.r = r;
  }

  /** An event was stored: no longer outstanding. */
  void arrived(EventId id) {
    requested.remove(id);
  }

  /** Asks for the ancestors of every missing parent of the pending buffer not asked for yet. */
  void fetchMissing(OriginKey preferred) {
    Map<EventId, TopicKey> wanted = new LinkedHashMap<>();
    r.pending.missingParents().forEach((id, entry) ->
        wanted.put(id, new TopicKey(entry.event().event().topicId())));
    fetch(preferred, wanted);
  }

  /** Asks for the ancestors of these missing parents (not asked for yet): the sender first, then others. */
  void fetch(OriginKey preferred, Map<EventId, TopicKey> wanted) {
    Map<TopicKey, List<EventId>> byTopic = new LinkedHashMap<>();
    wanted.forEach((id, topic) -> {
      if (!requested.containsKey(id) && !r.pending.contains(id) && !r.inFlight.containsKey(id)) {
        byTopic.computeIfAbsent(topic, k -> new ArrayList<>()).add(id);
      }
    });
    byTopic.forEach((topic, ids) -> {
      for (int i = 0; i < ids.size(); i += r.config.limits().maxWant()) {
        List<EventId> want = ids.subList(i, Math.min(ids.size(), i + r.config.limits().maxWant()));
        want.forEach(id -> requested.put(id, 0));
        askAncestors(topic, List.copyOf(want), r.choosePeer(preferred, Set.of()), new HashSet<>());
      }
    });
  }

  private void askAncestors(TopicKey topic, List<EventId> want, PeerState peer, Set<String> tried) {
    if (peer == null) {
      want.forEach(requested::remove); // nobody to ask now; the next sync round or push retries
      return;
    }
    tried.add(peer.info.address());
    AncestorsRequest request = new AncestorsRequest(topic, want, r.myHeads(topic), r.contiguousVector(),
        r.config.limits().maxFetchEvents(), r.config.limits().maxReplyBytes());
    r.call(peer, peer.client.ancestors(request), reply -> {
      r.receive(peer.key(), reply.events());
      List<EventId> still = want.stream().filter(id -> !r.inFlight.containsKey(id) && !isStored(id)).toList();
      if (!still.isEmpty() && reply.events().isEmpty()) {
        retryAncestors(topic, still, tried, peer);
      } else {
        want.forEach(requested::remove);
        if (reply.more()) {
          fetchMissing(peer.key());
        }
      }
    }, failure -> retryAncestors(topic, want, tried, peer));
  }

  private void retryAncestors(TopicKey topic, List<EventId> want, Set<String> tried, PeerState last) {
    if (tried.size() >= 3) {
      want.forEach(requested::remove);
      return;
    }
    askAncestors(topic, want, r.choosePeer(null, tried), tried);
  }

  private boolean isStored(EventId id) {
    return !r.store.existingIds(List.of(id)).isEmpty();
  }
}
