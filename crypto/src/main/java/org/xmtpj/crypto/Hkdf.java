package org.xmtpj.crypto;

import javax.crypto.Mac;

/** HKDF (RFC 5869). */
public final class Hkdf {
  private static final int HASH_LENGTH = 32;
  private static final int MAX_LENGTH = 255 * HASH_LENGTH;

  private Hkdf() {}

  /**
   * HKDF-SHA256 extract-then-expand. A null or empty salt means "no salt", which RFC 5869 defines as HashLen zero
   * bytes; a null info is treated as empty.
   */
  public static byte[] sha256(byte[] ikm, byte[] salt, byte[] info, int length) {
    if (length < 0 || length > MAX_LENGTH) {
      throw new IllegalArgumentException("HKDF-SHA256 length must be 0.." + MAX_LENGTH + ", got " + length);
    }
    byte[] effectiveSalt = salt == null || salt.length == 0 ? new byte[HASH_LENGTH] : salt;
    byte[] prk = Hmac.sha256(effectiveSalt, ikm);
    return expand(prk, info == null ? new byte[0] : info, length);
  }

  private static byte[] expand(byte[] prk, byte[] info, int length) {
    Mac mac = Hmac.newMac(prk);
    byte[] out = new byte[length];
    byte[] block = new byte[0];
    int written = 0;
    for (int counter = 1; written < length; counter++) {
      mac.update(block);
      mac.update(info);
      mac.update((byte) counter);
      block = mac.doFinal();
      int take = Math.min(block.length, length - written);
      System.arraycopy(block, 0, out, written, take);
      written += take;
    }
    return out;
  }
}
