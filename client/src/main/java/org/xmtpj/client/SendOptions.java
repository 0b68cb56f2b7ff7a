package org.xmtpj.client;

import java.util.Objects;

/**
 * How to send one message.
 *
 * @param compression compress the content bytes before encryption (receivers decompress)
 * @param ephemeral send on the conversation's ephemeral topic: relayed live to subscribers, never stored
 * @param shouldPush the hint for push-notification servers (true for text in xmtp-js)
 */
public record SendOptions(Compression compression, boolean ephemeral, boolean shouldPush) {
  public static final SendOptions DEFAULT = new SendOptions(Compression.NONE, false, true);

  /** Content compression; the codes are the wire's (deflate 0, gzip 1). */
  public enum Compression { NONE, DEFLATE, GZIP }

  public SendOptions {
    Objects.requireNonNull(compression, "compression");
  }

  public SendOptions withCompression(Compression c) {
    return new SendOptions(c, ephemeral, shouldPush);
  }

  public SendOptions withEphemeral(boolean e) {
    return new SendOptions(compression, e, shouldPush);
  }
}
