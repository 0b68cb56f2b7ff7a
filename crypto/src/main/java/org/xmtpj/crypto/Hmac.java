package org.xmtpj.crypto;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 (used by HKDF and by the XMTP conversation-topic and sender-HMAC derivations). */
public final class Hmac {
  private static final String ALGORITHM = "HmacSHA256";
  // HMAC zero-pads keys to the block size, so an empty key is the same as one zero byte; SecretKeySpec refuses
  // empty keys, hence the substitution.
  private static final byte[] EMPTY_KEY_EQUIVALENT = new byte[1];

  private Hmac() {}

  /** HMAC-SHA256 of the concatenation of {@code parts} under {@code key} (which may be empty). */
  public static byte[] sha256(byte[] key, byte[]... parts) {
    Mac mac = newMac(key);
    for (byte[] part : parts) {
      mac.update(part);
    }
    return mac.doFinal();
  }

  static Mac newMac(byte[] key) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(key.length == 0 ? EMPTY_KEY_EQUIVALENT : key, ALGORITHM));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("every JDK must provide " + ALGORITHM, e);
    }
  }
}
