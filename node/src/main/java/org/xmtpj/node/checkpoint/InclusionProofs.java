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
import org.xmtpj.dag.ClientEnvelopeCodec;
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

  private final Checkpointer checkpoints;

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
    List<SignedEvent> events = eventsInCut(key, c);
    byte[] messageId = request.getMessageId().toByteArray();
    SignedEvent target = events.stream().filter(e -> carries(e, topic, messageId)).findFirst().orElseThrow(() ->
        new ApiException(ErrorCode.NOT_FOUND, "not_in_cut", "no message with that id on " + topic
            + " within the cut of epoch " + c.epoch() + " (unknown to this node, or newer than the cut)"));
    List<EventId> heads = c.tree().attachment(key.bytes()).orElseThrow();
    InclusionProofResponse.Builder out = InclusionProofResponse.newBuilder().setEpoch(c.epoch())
        .setCutHash(ByteString.copyFrom(c.cutHash())).setRoot(ByteString.copyFrom(c.root()));
    c.cut().watermarks().forEach((o, w) -> out.addCut(OriginWatermark.newBuilder()
        .setOrigin(ByteString.copyFrom(o.bytes())).setWatermark(w)));
    path(events, target, new HashSet<>(heads)).forEach(e ->
        out.addPath(ByteString.copyFrom(EventCodec.encodeBody(e.event()))));
    heads.forEach(h -> out.addHeads(ByteString.copyFrom(h.bytes())));
    c.tree().proof(key.bytes()).orElseThrow().siblings().forEach(s -> out.addSiblings(ByteString.copyFrom(s)));
    return out.build();
  }

  private List<SignedEvent> eventsInCut(TopicKey key, Checkpointer.Computed c) {
    List<SignedEvent> out = new ArrayList<>();
    long row = 0;
    int read = 0;
    while (true) {
      List<RowEvent> page = checkpoints.store().topicRange(key, row, PAGE, PAGE_BYTES);
      if (page.isEmpty()) {
        return out;
      }
      for (RowEvent r : page) {
        row = r.row();
        if (++read > MAX_TOPIC_EVENTS) {
          throw new ApiException(ErrorCode.RESOURCE_EXHAUSTED, "topic_too_large", "the topic has more than "
              + MAX_TOPIC_EVENTS + " events: this node does not build proofs for it");
        }
        SignedEvent e = EventCodec.decode(r.raw());
        if (c.cut().contains(new OriginKey(e.event().origin()), e.event().originSeq())) {
          out.add(e);
        }
      }
    }
  }

  private static boolean carries(SignedEvent e, String topic, byte[] messageId) {
    if (e.event().payloadType() != PayloadType.CLIENT_ENVELOPE) {
      return false;
    }
    var envelope = ClientEnvelopeCodec.decode(e.event().payload());
    return envelope.contentTopic().equals(topic)
        && Arrays.equals(org.xmtpj.crypto.Sha256.hash(envelope.messageView()), messageId);
  }

  /** Breadth-first from the target through children within the cut: the shortest path to a head. */
  private static List<SignedEvent> path(List<SignedEvent> events, SignedEvent target, Set<EventId> heads) {
    Map<EventId, List<SignedEvent>> children = new HashMap<>();
    for (SignedEvent e : events) {
      e.event().parents().forEach(p -> children.computeIfAbsent(p, k -> new ArrayList<>()).add(e));
    }
    Map<EventId, SignedEvent> cameFrom = new HashMap<>();
    ArrayDeque<SignedEvent> queue = new ArrayDeque<>(List.of(target));
    Set<EventId> seen = new HashSet<>(List.of(target.id()));
    while (!queue.isEmpty()) {
      SignedEvent e = queue.poll();
      if (heads.contains(e.id())) {
        List<SignedEvent> path = new ArrayList<>();
        for (SignedEvent at = e; at != null; at = cameFrom.get(at.id())) {
          path.addFirst(at);
        }
        return path;
      }
      for (SignedEvent child : children.getOrDefault(e.id(), List.of())) {
        if (seen.add(child.id())) {
          cameFrom.put(child.id(), e);
          queue.add(child);
        }
      }
    }
    throw new IllegalStateException("no path from " + target.id().hex() + " to a head within the cut");
  }
}
