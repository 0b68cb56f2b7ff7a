package org.xmtpj.dag;

import java.nio.charset.StandardCharsets;
import org.xmtpj.crypto.Sha256;

/** The fixed-size topic identity used inside events. */
public final class TopicIds {
  private static final byte[] DOMAIN = "xmtpj/topic/v1\0".getBytes(StandardCharsets.US_ASCII);

  private TopicIds() {}

  public static byte[] of(String contentTopic) {
    return Sha256.hash(DOMAIN, contentTopic.getBytes(StandardCharsets.UTF_8));
  }
}
