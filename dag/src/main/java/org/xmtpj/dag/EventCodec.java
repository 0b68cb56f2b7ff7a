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
 * event = body ‖ signature[64]
 * id    = SHA-256("xmtpj/event/v1\0" ‖ body)
 * </pre>
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

  /** The body followed by the signature: what is stored and sent. */
  public static byte[] encode(Event e) {
    checkShape(e);
    if (e.signature() == null || e.signature().length != DagLimits.SIGNATURE_BYTES) {
      throw new IllegalArgumentException("signature must be " + DagLimits.SIGNATURE_BYTES + " bytes");
    }
    ByteBuffer buf = ByteBuffer.allocate(bodyLength(e) + DagLimits.SIGNATURE_BYTES);
    writeBody(buf, e);
    buf.put(e.signature());
    return buf.array();
  }

  public static EventId id(Event e) {
    return idOfBody(encodeBody(e));
  }

  public static EventId idOfBody(byte[] body) {
    return new EventId(Sha256.hash(ID_DOMAIN, body));
  }

  /** The id of an encoded event (body ‖ signature), without decoding it. */
  public static EventId idOfEncoded(byte[] encoded) {
    int bodyLength = encoded.length - DagLimits.SIGNATURE_BYTES;
    if (bodyLength < FIXED_BODY) {
      throw new MalformedEventException("event too short: " + encoded.length + " bytes");
    }
    return new EventId(Sha256.hash(ID_DOMAIN, java.util.Arrays.copyOf(encoded, bodyLength)));
  }

  /** Strict decode: rejects unknown versions, unsorted or duplicate parents, oversize fields and trailing bytes. */
  public static Event decode(byte[] bytes) {
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
      byte[] signature = take(buf, DagLimits.SIGNATURE_BYTES);
      if (buf.hasRemaining()) {
        throw new MalformedEventException(buf.remaining() + " trailing bytes after the event");
      }
      if (originSeq < 1) {
        throw new MalformedEventException("origin sequence must be >= 1, was " + originSeq);
      }
      return new Event(version, topicId, origin, originSeq, createdAtMs, parents, payloadType, payload, signature);
    } catch (java.nio.BufferUnderflowException e) {
      throw new MalformedEventException("event truncated after " + buf.position() + " of " + bytes.length + " bytes");
    }
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
