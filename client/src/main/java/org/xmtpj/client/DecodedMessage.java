package org.xmtpj.client;

import java.time.Instant;

/**
 * A message that decrypted and verified.
 *
 * @param id {@code hex(sha256(envelope message bytes))}, the id xmtp-js gives the same message
 * @param topic the conversation topic it was read from
 * @param senderAddress the wallet address proven by the sender's signed key bundle
 * @param sentNs the sender's clock at sending, in nanoseconds (the header's created_ns)
 * @param content the decoded content
 */
public record DecodedMessage(String id, String topic, String senderAddress, long sentNs, Content content) {

  public Instant sent() {
    return Instant.ofEpochSecond(0, sentNs);
  }

  /** The text, or the fallback for non-text content. */
  public String text() {
    return content.text();
  }
}
