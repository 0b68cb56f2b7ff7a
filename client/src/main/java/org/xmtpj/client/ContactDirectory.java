package org.xmtpj.client;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.xmtp.proto.message.api.v1.BatchQueryRequest;
import org.xmtp.proto.message.api.v1.BatchQueryResponse;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtp.proto.message.api.v1.QueryRequest;

/**
 * Finds users' published keys: the newest contact envelope whose signatures hold and whose wallet is the topic's
 * address (anyone can write junk to a topic the node does not restrict, so every bundle is checked).
 */
final class ContactDirectory {
  private static final int CONTACT_PAGE = 5;
  /** A topic flooded with invalid bundles is not read forever. */
  private static final int MAX_SCANNED = 200;

  private final NodeApi api;
  private final Map<String, PeerKeys> cache = new ConcurrentHashMap<>();

  ContactDirectory(NodeApi api) {
    this.api = api;
  }

  /** The address's keys, or empty if it has no valid contact bundle. */
  Optional<PeerKeys> lookup(String address) {
    PeerKeys cached = cache.get(address);
    if (cached != null) {
      return Optional.of(cached);
    }
    List<Envelope> envelopes = api.queryAll(Topics.contact(address), 0, 0, true, MAX_SCANNED);
    Optional<PeerKeys> found = firstValid(address, envelopes);
    found.ifPresent(k -> cache.put(address, k));
    return found;
  }

  /** Drops a cached bundle, so the next lookup reads the topic again. */
  void forget(String address) {
    cache.remove(address);
  }

  /** Many lookups in batch queries of up to 50 topics; answers in the order asked. */
  Map<String, Boolean> canMessage(Collection<String> addresses) {
    List<String> list = new ArrayList<>(addresses);
    Map<String, Boolean> out = new LinkedHashMap<>();
    for (int from = 0; from < list.size(); from += NodeApi.MAX_BATCH) {
      List<String> chunk = list.subList(from, Math.min(list.size(), from + NodeApi.MAX_BATCH));
      BatchQueryRequest.Builder batch = BatchQueryRequest.newBuilder();
      for (String a : chunk) {
        QueryRequest r = NodeApi.request(Topics.contact(a), 0, 0, true, CONTACT_PAGE);
        batch.addRequests(r);
      }
      BatchQueryResponse response = api.batchQuery(batch.build());
      for (int i = 0; i < chunk.size(); i++) {
        String a = chunk.get(i);
        Optional<PeerKeys> k = i < response.getResponsesCount()
            ? firstValid(a, response.getResponses(i).getEnvelopesList()) : Optional.empty();
        if (k.isEmpty() && i < response.getResponsesCount()
            && response.getResponses(i).getEnvelopesCount() >= CONTACT_PAGE) {
          k = lookup(a); // the first page held only invalid bundles; look further
        }
        k.ifPresent(keys -> cache.put(a, keys));
        out.put(a, k.isPresent());
      }
    }
    return out;
  }

  private static Optional<PeerKeys> firstValid(String address, List<Envelope> envelopes) {
    for (Envelope e : envelopes) {
      try {
        PeerKeys keys = ContactBundles.read(e.getMessage().toByteArray()).keys();
        if (keys.address().equalsIgnoreCase(address)) {
          return Optional.of(keys);
        }
      } catch (InvalidDataException ignored) {
        // not a valid bundle for this address: keep looking
      }
    }
    return Optional.empty();
  }
}
