package org.xmtpj.crypto;

import java.math.BigInteger;

/** Small byte-array helpers shared by the primitives; not part of the public API. */
final class Bytes {
  private Bytes() {}

  static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }

  /** Writes {@code value} big-endian, left-padded with zeros, into exactly {@code length} bytes at {@code offset}. */
  static void writeUnsigned(BigInteger value, byte[] out, int offset, int length) {
    byte[] raw = value.toByteArray();
    // toByteArray may carry a leading sign byte (0x00) or be shorter than the field.
    int skip = raw.length > length ? raw.length - length : 0;
    int copy = raw.length - skip;
    System.arraycopy(raw, skip, out, offset + length - copy, copy);
  }

  static BigInteger unsigned(byte[] bytes, int offset, int length) {
    return new BigInteger(1, bytes, offset, length);
  }
}
