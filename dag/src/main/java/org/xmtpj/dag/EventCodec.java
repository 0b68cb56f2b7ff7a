package org.xmtpj.dag;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xmtpj.crypto.Sha256;

/**
 * Canonical event encoding. Every field is fixed width or length-prefixed, so the encoding is injective and there
 * is exactly one byte string per event; the decoder accepts only that string.
 *
 * <pre>
 * body  = u8 version ‖ topic_id[32] ‖ origin[32] ‖ u64 origin_seq ‖ i64 created_at_ms
 *       ‖ u16 parent_count ‖ parent[32]* ‖ u16 payload_type ‖ u32 payload_len ‖ payload
 * proof = u16 batch_size ‖ u16 index ‖ u8 path_len ‖ path[32]* ‖ signature[64]
 * event = body ‖ proof
 * id    = SHA-256("xmtpj/event/v1\0" ‖ body)
 * </pre>
 *
 * The proof is not hashed into the id: the id names the event, the proof shows who vouched for it.
 */
public final class EventCodec {
  private static final byte[] ID_DOMAIN = "xmtpj/event/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final int FIXED_BODY = 1 + 32 + 32 + 8 + 8 + 2 + 2 + 4;

  private EventCodec() {}

  public static byte[] encodeBody(Event e) {
    checkShape(e);
    ByteBuffer buf = ByteBuffer.allocate(bodyLength(e));
    writeBody(buf, e);
    return buf.array();
  }

  /** The body followed by the batch proof: what is stored and sent. */
  public static byte[] encode(Event e, BatchProof proof) {
    checkShape(e);
    return append(encodeBody(e), proof);
  }

  /** Appends a proof to an already encoded body (the signer has the body from computing the id). */
  public static byte[] append(byte[] body, BatchProof proof) {
    ByteBuffer buf = ByteBuffer.allocate(body.length + 5 + proof.path().size() * 32 + DagLimits.SIGNATURE_BYTES);
    buf.put(body).putShort((short) proof.size()).putShort((short) proof.index()).put((byte) proof.path().size());
    proof.path().forEach(buf::put);
    buf.put(proof.signature());
    return buf.array();
  }

  public static EventId id(Event e) {
    return idOfBody(encodeBody(e));
  }

  public static EventId idOfBody(byte[] body) {
    return new EventId(Sha256.hash(ID_DOMAIN, body));
  }

  /** Strict decode: rejects unknown versions, unsorted or duplicate parents, oversize fields and trailing bytes. */
  public static SignedEvent decode(byte[] bytes) {
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    try {
      int version = buf.get() & 0xff;
      if (version != Event.VERSION) {
        throw new MalformedEventException("unsupported event version " + version);
      }
      byte[] topicId = take(buf, 32);
      byte[] origin = take(buf, 32);
      long originSeq = buf.getLong();
      long createdAtMs = buf.getLong();
      List<EventId> parents = readParents(buf);
      int payloadType = buf.getShort() & 0xffff;
      if (!PayloadType.isKnown(payloadType)) {
        throw new MalformedEventException("unknown payload type " + payloadType);
      }
      long payloadLength = buf.getInt() & 0xffffffffL;
      if (payloadLength > DagLimits.MAX_PAYLOAD_BYTES) {
        throw new MalformedEventException("payload of " + payloadLength + " bytes exceeds "
            + DagLimits.MAX_PAYLOAD_BYTES);
      }
      byte[] payload = take(buf, (int) payloadLength);
      int bodyLength = buf.position();
      BatchProof proof = readProof(buf);
      if (buf.hasRemaining()) {
        throw new MalformedEventException(buf.remaining() + " trailing bytes after the event");
      }
      if (originSeq < 1) {
        throw new MalformedEventException("origin sequence must be >= 1, was " + originSeq);
      }
      Event event = new Event(version, topicId, origin, originSeq, createdAtMs, parents, payloadType, payload);
      return new SignedEvent(idOfBody(java.util.Arrays.copyOf(bytes, bodyLength)), event, proof, bytes.clone());
    } catch (java.nio.BufferUnderflowException e) {
      throw new MalformedEventException("event truncated after " + buf.position() + " of " + bytes.length + " bytes");
    }
  }

  private static BatchProof readProof(ByteBuffer buf) {
    int size = buf.getShort() & 0xffff;
    int index = buf.getShort() & 0xffff;
    if (size < 1 || index >= size) {
      throw new MalformedEventException("bad batch position " + index + " of " + size);
    }
    int pathLength = buf.get() & 0xff;
    if (pathLength != MerkleBatch.pathLength(index, size)) {
      throw new MalformedEventException("audit path of " + pathLength + " entries; position " + index + " of "
          + size + " needs " + MerkleBatch.pathLength(index, size));
    }
    List<byte[]> path = new ArrayList<>(pathLength);
    for (int i = 0; i < pathLength; i++) {
      path.add(take(buf, 32));
    }
    return new BatchProof(size, index, path, take(buf, DagLimits.SIGNATURE_BYTES));
  }

  private static List<EventId> readParents(ByteBuffer buf) {
    int count = buf.getShort() & 0xffff;
    if (count > DagLimits.MAX_PARENTS) {
      throw new MalformedEventException(count + " parents exceed the limit of " + DagLimits.MAX_PARENTS);
    }
    List<EventId> parents = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      EventId parent = new EventId(take(buf, EventId.LENGTH));
      if (i > 0 && parents.get(i - 1).compareTo(parent) >= 0) {
        throw new MalformedEventException("parents must be strictly ascending (unsorted or duplicate at " + i + ")");
      }
      parents.add(parent);
    }
    return parents;
  }

  private static byte[] take(ByteBuffer buf, int n) {
    if (buf.remaining() < n) {
      throw new java.nio.BufferUnderflowException();
    }
    byte[] out = new byte[n];
    buf.get(out);
    return out;
  }

  private static int bodyLength(Event e) {
    return FIXED_BODY + e.parents().size() * EventId.LENGTH + e.payload().length;
  }

  private static void writeBody(ByteBuffer buf, Event e) {
    buf.put((byte) e.version());
    buf.put(e.topicId());
    buf.put(e.origin());
    buf.putLong(e.originSeq());
    buf.putLong(e.createdAtMs());
    buf.putShort((short) e.parents().size());
    for (EventId p : e.parents()) {
      buf.put(p.unsafeBytes());
    }
    buf.putShort((short) e.payloadType());
    buf.putInt(e.payload().length);
    buf.put(e.payload());
  }

  /** Encoding refuses what decoding would refuse, so no node ever signs a non-canonical event. */
  private static void checkShape(Event e) {
    if (e.version() != Event.VERSION) {
      throw new IllegalArgumentException("unsupported version " + e.version());
    }
    if (e.topicId() == null || e.topicId().length != 32 || e.origin() == null || e.origin().length != 32) {
      throw new IllegalArgumentException("topic id and origin must be 32 bytes");
    }
    if (e.originSeq() < 1) {
      throw new IllegalArgumentException("origin sequence must be >= 1");
    }
    if (e.parents().size() > DagLimits.MAX_PARENTS) {
      throw new IllegalArgumentException("at most " + DagLimits.MAX_PARENTS + " parents");
    }
    for (int i = 1; i < e.parents().size(); i++) {
      if (e.parents().get(i - 1).compareTo(e.parents().get(i)) >= 0) {
        throw new IllegalArgumentException("parents must be strictly ascending");
      }
    }
    if (!PayloadType.isKnown(e.payloadType())) {
      throw new IllegalArgumentException("unknown payload type " + e.payloadType());
    }
    if (e.payload().length > DagLimits.MAX_PAYLOAD_BYTES) {
      throw new IllegalArgumentException("payload too large: " + e.payload().length);
    }
  }
}
