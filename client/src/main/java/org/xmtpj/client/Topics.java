package org.xmtpj.client;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.xmtpj.crypto.Hmac;

/** Content topic names, exactly as xmtp-js builds them (addresses in EIP-55 form). */
final class Topics {
  private static final String PREFIX = "/xmtp/0/";
  private static final String SUFFIX = "/proto";

  private Topics() {}

  static String contact(String address) {
    return PREFIX + "contact-" + address + SUFFIX;
  }

  static String privateStore(String address) {
    return PREFIX + "privatestore-" + address + "/key_bundle" + SUFFIX;
  }

  static String invite(String address) {
    return PREFIX + "invite-" + address + SUFFIX;
  }

  static String intro(String address) {
    return PREFIX + "intro-" + address + SUFFIX;
  }

  static String userPreferences(String id) {
    return PREFIX + "userpreferences-" + id + SUFFIX;
  }

  /** The V2 conversation topic: HMAC-SHA256(3DH secret, conversationId + low + "," + high). */
  static String conversation(byte[] secret, String conversationId, String low, String high) {
    String input = (conversationId == null ? "" : conversationId) + low + "," + high;
    byte[] mac = Hmac.sha256(secret, input.getBytes(StandardCharsets.UTF_8));
    return PREFIX + "m-" + HexFormat.of().formatHex(mac) + SUFFIX;
  }

  /** The ephemeral twin of a conversation topic ({@code m-} becomes {@code mE-}); nodes relay it, never store it. */
  static String ephemeral(String conversationTopic) {
    return conversationTopic.replace(PREFIX + "m-", PREFIX + "mE-");
  }

  static boolean isConversation(String topic) {
    return topic.startsWith(PREFIX + "m-") && topic.endsWith(SUFFIX)
        && topic.length() == PREFIX.length() + 2 + 64 + SUFFIX.length();
  }
}
