package org.xmtpj.node.checkpoint;

import com.google.protobuf.ByteString;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xmtpj.dag.Payloads;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.PayloadType;
import org.xmtpj.dag.SignedEvent;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.node.api.ApiException;
import org.xmtpj.node.api.ErrorCode;
import org.xmtpj.proto.checkpoint.v1.InclusionProofRequest;
import org.xmtpj.proto.checkpoint.v1.InclusionProofResponse;
import org.xmtpj.proto.checkpoint.v1.OriginWatermark;
import org.xmtpj.store.RowEvent;

/**
 * Builds inclusion proofs (docs/consensus.md §6) from the store and a computed checkpoint: the event that carries
 * the envelope, the shortest child path from it to a head of its topic within the cut, the topic's heads and the
 * state proof of its leaf.
 */
public final class InclusionProofs {
  /** Events of one topic read to build a proof; a topic beyond it is refused rather than read without bound. */
  public static final int MAX_TOPIC_EVENTS = 200_000;
  public static final int MAX_TOPIC_CHARS = 1_024;
  private static final int PAGE = 2_000;
  private static final long PAGE_BYTES = 16L << 20;
  /** Proofs built at once: each reads its whole topic (up to {@link #MAX_TOPIC_EVENTS} events). */
  public static final int MAX_CONCURRENT_PROOFS = 2;
  /** What a proof request costs in the requester's request bucket: it reads a whole topic, a query one page. */
  public static final int REQUEST_COST = 20;

  private final Checkpointer checkpoints;
  private final java.util.concurrent.Semaphore building = new java.util.concurrent.Semaphore(MAX_CONCURRENT_PROOFS);

  /** What a proof needs of an event of the topic: its place in the graph, not its bytes. */
  private record Node(EventId id, List<EventId> parents) {}

  private record Scan(List<Node> nodes, EventId target) {}

  public InclusionProofs(Checkpointer checkpoints) {
    this.checkpoints = checkpoints;
  }

  public InclusionProofResponse prove(InclusionProofRequest request) {
    String topic = request.getContentTopic();
    if (topic.isEmpty() || topic.length() > MAX_TOPIC_CHARS) {
      throw new ApiException(ErrorCode.INVALID_ARGUMENT, "bad_topic", "content_topic must be 1.."
          + MAX_TOPIC_CHARS + " characters");
    }
    if (request.getMessageId().size() != 32) {
      throw new ApiException(ErrorCode.INVALID_ARGUMENT, "bad_message_id",
          "message_id must be 32 bytes: sha256(message), the XMTP message id");
    }
    // an unset epoch asks for the newest; 0 is a real epoch (the first), so it is never read as "newest"
    Checkpointer.Computed c = (!request.hasEpoch() ? checkpoints.latest()
        : checkpoints.computed(request.getEpoch())).orElseThrow(() -> new ApiException(
            ErrorCode.FAILED_PRECONDITION, "no_checkpoint", !request.hasEpoch()
                ? "this node has not computed a checkpoint yet"
                : "this node has no checkpoint of epoch " + request.getEpoch() + " (not computed yet, or too old)"));
    TopicKey key = TopicKey.of(topic);
    if (!building.tryAcquire()) {
      throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "proofs_busy", MAX_CONCURRENT_PROOFS
          + " inclusion proofs are being built on this node; retry shortly");
    }
    Scan scan;
    try {
      scan = eventsInCut(key, c, topic, request.getMessageId().toByteArray());
    } finally {
      building.release();
    }
    if (scan.target() == null) {
      throw new ApiException(ErrorCode.NOT_FOUND, "not_in_cut", "no message with that id on " + topic
          + " within the cut of epoch " + c.epoch() + " (unknown to this node, or newer than the cut)");
    }
    List<EventId> heads = c.tree().attachment(key.bytes()).orElseThrow();
    InclusionProofResponse.Builder out = InclusionProofResponse.newBuilder().setEpoch(c.epoch())
        .setCutHash(ByteString.copyFrom(c.cutHash())).setRoot(ByteString.copyFrom(c.root()));
    c.cut().watermarks().forEach((o, w) -> out.addCut(OriginWatermark.newBuilder()
        .setOrigin(ByteString.copyFrom(o.bytes())).setWatermark(w)));
    for (EventId id : path(scan.nodes(), scan.target(), new HashSet<>(heads))) {
      byte[] raw = checkpoints.store().event(id).orElseThrow(() -> new IllegalStateException(
          "event " + id.hex() + " of the cut is not stored"));
      out.addPath(ByteString.copyFrom(EventCodec.encodeBody(EventCodec.decode(raw).event())));
    }
    heads.forEach(h -> out.addHeads(ByteString.copyFrom(h.bytes())));
    c.tree().proof(key.bytes()).orElseThrow().siblings().forEach(s -> out.addSiblings(ByteString.copyFrom(s)));
    return out.build();
  }

  /**
   * The topic's events within the cut, as graph nodes only (an event's bytes are dropped once read: a topic of
   * 200,000 events of 1 MiB would not fit in memory), and the one carrying the message, if any.
   */
  private Scan eventsInCut(TopicKey key, Checkpointer.Computed c, String topic, byte[] messageId) {
    List<Node> out = new ArrayList<>();
    EventId target = null;
    long row = 0;
    int read = 0;
    while (true) {
      List<RowEvent> page = checkpoints.store().topicRange(key, row, PAGE, PAGE_BYTES);
      if (page.isEmpty()) {
        return new Scan(out, target);
      }
      for (RowEvent r : page) {
        row = r.row();
        if (++read > MAX_TOPIC_EVENTS) {
          throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "topic_too_large", "the topic has more than "
              + MAX_TOPIC_EVENTS + " events: this node does not build proofs for it");
        }
        SignedEvent e = EventCodec.decode(r.raw());
        if (c.cut().contains(new OriginKey(e.event().origin()), e.event().originSeq())) {
          out.add(new Node(e.id(), List.copyOf(e.event().parents())));
          if (target == null && carries(e, topic, messageId)) {
            target = e.id();
          }
        }
      }
    }
  }

  private static boolean carries(SignedEvent e, String topic, byte[] messageId) {
    if (!Payloads.carriesEnvelope(e.event())) {
      return false;
    }
    var envelope = Payloads.envelope(e.event());
    return envelope.contentTopic().equals(topic)
        && Arrays.equals(org.xmtpj.crypto.Sha256.hash(envelope.messageView()), messageId);
  }

  /** Breadth-first from the target through children within the cut: the shortest path to a head. */
  private static List<EventId> path(List<Node> nodes, EventId target, Set<EventId> heads) {
    Map<EventId, List<EventId>> children = new HashMap<>();
    for (Node n : nodes) {
      n.parents().forEach(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(n.id()));
    }
    Map<EventId, EventId> cameFrom = new HashMap<>();
    ArrayDeque<EventId> queue = new ArrayDeque<>(List.of(target));
    Set<EventId> seen = new HashSet<>(List.of(target));
    while (!queue.isEmpty()) {
      EventId e = queue.poll();
      if (heads.contains(e)) {
        List<EventId> path = new ArrayList<>();
        for (EventId at = e; at != null; at = cameFrom.get(at)) {
          path.addFirst(at);
        }
        return path;
      }
      for (EventId child : children.getOrDefault(e, List.of())) {
        if (seen.add(child)) {
          cameFrom.put(child, e);
          queue.add(child);
        }
      }
    }
    throw new IllegalStateException("no path from " + target.hex() + " to a head within the cut");
  }
}
