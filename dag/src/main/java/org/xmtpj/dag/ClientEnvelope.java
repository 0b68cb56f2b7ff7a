package org.xmtpj.dag;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.xmtpj.crypto.Sha256;

/**
 * A client's envelope exactly as published: content topic, the sender's timestamp (never rewritten, clients
 * check it against values sealed inside invitations) and the opaque message bytes.
 */
public record ClientEnvelope(String contentTopic, long timestampNs, byte[] message) {
  public ClientEnvelope {
    if (contentTopic == null || message == null) {
      throw new IllegalArgumentException("topic and message are required");
    }
  }

  /** XMTP's dedupe and order key: sha256(utf8(topic) ‖ message). */
  public byte[] digest() {
    return Sha256.hash(contentTopic.getBytes(StandardCharsets.UTF_8), message);
  }

  @Override
  public byte[] message() {
    return message.clone();
  }

  /** The message without a defensive copy, for encoders that only read it. */
  public byte[] messageView() {
    return message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClientEnvelope e
        && e.timestampNs == timestampNs
        && e.contentTopic.equals(contentTopic)
        && Arrays.equals(e.message, message);
  }

  @Override
  public int hashCode() {
    return 31 * contentTopic.hashCode() + Arrays.hashCode(message) + Long.hashCode(timestampNs);
  }

  @Override
  public String toString() {
    return "ClientEnvelope[" + contentTopic + " @" + timestampNs + " " + message.length + " bytes "
        + HexFormat.of().formatHex(digest(), 0, 4) + "]";
  }
}
