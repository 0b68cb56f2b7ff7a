package org.xmtpj.dag;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Payload encoding of a {@link ClientEnvelope}: {@code u32 topic_len ‖ topic (UTF-8) ‖ u64 timestamp_ns ‖ u32
 * message_len ‖ message}. Our own canonical form rather than protobuf, so that the bytes that are hashed have
 * exactly one encoding.
 */
public final class ClientEnvelopeCodec {
  private ClientEnvelopeCodec() {}

  public static byte[] encode(ClientEnvelope env) {
    byte[] topic = env.contentTopic().getBytes(StandardCharsets.UTF_8);
    byte[] message = env.messageView();
    ByteBuffer buf = ByteBuffer.allocate(4 + topic.length + 8 + 4 + message.length);
    buf.putInt(topic.length).put(topic).putLong(env.timestampNs()).putInt(message.length).put(message);
    return buf.array();
  }

  public static ClientEnvelope decode(byte[] payload) {
    ByteBuffer buf = ByteBuffer.wrap(payload);
    try {
      int topicLength = buf.getInt();
      if (topicLength < 0 || topicLength > DagLimits.MAX_TOPIC_BYTES || topicLength > buf.remaining()) {
        throw new MalformedEventException("bad topic length " + topicLength);
      }
      byte[] topicBytes = new byte[topicLength];
      buf.get(topicBytes);
      String topic = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(topicBytes))
          .toString();
      long timestampNs = buf.getLong();
      int messageLength = buf.getInt();
      if (messageLength < 0 || messageLength > DagLimits.MAX_MESSAGE_BYTES || messageLength != buf.remaining()) {
        throw new MalformedEventException("bad message length " + messageLength);
      }
      byte[] message = new byte[messageLength];
      buf.get(message);
      return new ClientEnvelope(topic, timestampNs, message);
    } catch (BufferUnderflowException e) {
      throw new MalformedEventException("client envelope truncated");
    } catch (CharacterCodingException e) {
      throw new MalformedEventException("topic is not valid UTF-8");
    }
  }
}
