package org.xmtpj.dag;

import java.util.Arrays;

/** An origin node's Ed25519 public key, as a value usable in maps and vectors (ordered bytewise, unsigned). */
public record OriginKey(byte[] bytes) implements Comparable<OriginKey> {
  public OriginKey {
    bytes = Key32.check(bytes, "origin key");
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public int compareTo(OriginKey o) {
    return Key32.compare(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof OriginKey k && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  public String hex() {
    return Key32.hex(bytes);
  }

  @Override
  public String toString() {
    return "Origin[" + hex().substring(0, 12) + "]";
  }
}
