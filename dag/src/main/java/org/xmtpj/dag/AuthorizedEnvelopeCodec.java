package org.xmtpj.dag;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Payload of {@link PayloadType#AUTHORIZED_ENVELOPE}: {@code u32 authorization_len ‖ authorization ‖ client envelope}
 * (the latter exactly as {@link ClientEnvelopeCodec} writes it). One byte string per value, as for every payload.
 */
public final class AuthorizedEnvelopeCodec {
  private AuthorizedEnvelopeCodec() {}

  public static byte[] encode(byte[] authorization, ClientEnvelope env) {
    if (authorization.length == 0 || authorization.length > DagLimits.MAX_AUTHORIZATION_BYTES) {
      throw new IllegalArgumentException("authorization of " + authorization.length + " bytes; 1.."
          + DagLimits.MAX_AUTHORIZATION_BYTES + " allowed");
    }
    byte[] envelope = ClientEnvelopeCodec.encode(env);
    return ByteBuffer.allocate(4 + authorization.length + envelope.length)
        .putInt(authorization.length).put(authorization).put(envelope).array();
  }

  /** How many payload bytes an authorized envelope takes, to check it fits before signing. */
  public static long encodedLength(byte[] authorization, ClientEnvelope env) {
    return 4L + authorization.length + ClientEnvelopeCodec.encode(env).length;
  }

  public static AuthorizedEnvelope decode(byte[] payload) {
    ByteBuffer buf = ByteBuffer.wrap(payload);
    try {
      int length = buf.getInt();
      if (length < 1 || length > DagLimits.MAX_AUTHORIZATION_BYTES || length > buf.remaining()) {
        throw new MalformedEventException("bad authorization length " + length);
      }
      byte[] authorization = new byte[length];
      buf.get(authorization);
      ClientEnvelope env = ClientEnvelopeCodec.decode(Arrays.copyOfRange(payload, buf.position(), payload.length));
      return new AuthorizedEnvelope(authorization, env);
    } catch (BufferUnderflowException e) {
      throw new MalformedEventException("authorized envelope truncated");
    }
  }
}
