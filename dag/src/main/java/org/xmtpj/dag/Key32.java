package org.xmtpj.dag;

import java.util.Arrays;
import java.util.HexFormat;

/** Shared checks for the 32-byte keys used as map keys (origins, topics). */
final class Key32 {
  private Key32() {}

  static byte[] check(byte[] bytes, String what) {
    if (bytes == null || bytes.length != 32) {
      throw new IllegalArgumentException(what + " must be 32 bytes");
    }
    return bytes.clone();
  }

  static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
