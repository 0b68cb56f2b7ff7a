package org.xmtpj.dag;

/** Hard bounds of the replicated data model; decoders reject anything larger. */
public final class DagLimits {
  public static final int MAX_PARENTS = 16;
  /** The XMTP v1 API limits a message to 1,048,214 bytes; a payload also carries the topic and a timestamp. */
  public static final int MAX_MESSAGE_BYTES = 1_048_214;
  /** Topic length in characters (node-go's rule). UTF-8 may need up to 3 bytes per char of the BMP. */
  public static final int MAX_TOPIC_CHARS = 300;
  public static final int MAX_TOPIC_BYTES = MAX_TOPIC_CHARS * 4;
  public static final int MAX_PAYLOAD_BYTES = MAX_MESSAGE_BYTES + MAX_TOPIC_BYTES + 16;
  public static final int SIGNATURE_BYTES = 64;
  /**
   * The wallet authorization an owner-only event carries (an XMTP auth token, about 300 bytes); it shares the
   * payload bound, so an owner-only message may be this much shorter than {@link #MAX_MESSAGE_BYTES}.
   */
  public static final int MAX_AUTHORIZATION_BYTES = 6 * 1024;
  /** The largest canonical event: full body, 16 parents, the largest payload, and a proof for a 65,535 batch. */
  public static final int MAX_EVENT_BYTES = 1 + 32 + 32 + 8 + 8 + 2 + MAX_PARENTS * 32 + 2 + 4 + MAX_PAYLOAD_BYTES
      + 5 + 16 * 32 + SIGNATURE_BYTES;
  public static final int KEY_BYTES = 32;

  private DagLimits() {}
}
