package org.xmtpj.store;

import java.util.Arrays;

/** The 32-byte XMTP envelope digest, as a value usable in sets. */
public record Digest(byte[] bytes) {
  public Digest {
    if (bytes == null || bytes.length != 32) {
      throw new IllegalArgumentException("digest must be 32 bytes");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Digest d && Arrays.equals(d.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
