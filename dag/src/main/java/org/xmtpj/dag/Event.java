package org.xmtpj.dag;

import java.util.Arrays;
import java.util.List;

/**
 * One entry of a topic's Merkle-DAG. Validity depends only on these bytes and the event's ancestors; the id is
 * never carried, every holder recomputes it from the canonical body ({@link EventCodec}).
 *
 * @param topicId SHA-256 of the content topic under a domain tag ({@link TopicIds})
 * @param origin the Ed25519 public key of the node that accepted the client's publish
 * @param originSeq +1 per origin across all topics, starting at 1
 * @param createdAtMs the origin's wall clock; informational, never used for acceptance
 * @param parents the topic's heads when the event was created: at most 16, strictly ascending
 * @param payloadType what the payload holds ({@link PayloadType})
 * @param payload opaque to the DAG
 *
 * <p>The origin's signature is not part of the event: it signs the Merkle root of a batch of event ids, and each
 * event travels with its {@link BatchProof}.
 */
public record Event(
    int version,
    byte[] topicId,
    byte[] origin,
    long originSeq,
    long createdAtMs,
    List<EventId> parents,
    int payloadType,
    byte[] payload) {

  public static final int VERSION = 1;

  public Event {
    parents = List.copyOf(parents);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e
        && version == e.version
        && originSeq == e.originSeq
        && createdAtMs == e.createdAtMs
        && payloadType == e.payloadType
        && Arrays.equals(topicId, e.topicId)
        && Arrays.equals(origin, e.origin)
        && parents.equals(e.parents)
        && Arrays.equals(payload, e.payload);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(topicId) * 31 + Long.hashCode(originSeq) * 17 + Arrays.hashCode(origin);
  }

  @Override
  public String toString() {
    return "Event[seq=" + originSeq + ", parents=" + parents.size() + ", payload=" + payload.length + " bytes]";
  }
}
