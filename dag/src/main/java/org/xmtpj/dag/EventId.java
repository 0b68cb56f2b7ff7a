package org.xmtpj.dag;

import java.util.Arrays;
import java.util.HexFormat;

/** The SHA-256 identity of an event: 32 bytes, ordered bytewise (unsigned) so parent lists sort canonically. */
public record EventId(byte[] bytes) implements Comparable<EventId> {
  public static final int LENGTH = 32;

  public EventId {
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("event id must be " + LENGTH + " bytes");
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Read-only access without a copy, for encoders on the hot path. */
  byte[] unsafeBytes() {
    return bytes;
  }

  @Override
  public int compareTo(EventId o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EventId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public String toString() {
    return "EventId[" + hex().substring(0, 16) + "]";
  }
}
