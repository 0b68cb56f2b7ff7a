package org.xmtpj.dag;

import java.util.Arrays;

/**
 * A position in a topic's client order, (timestamp_ns, digest). Deterministic from the envelope alone, so a
 * cursor issued by one node continues correctly on any other node that holds the same envelopes.
 */
public record EnvelopeCursor(long timestampNs, byte[] digest) {
  public EnvelopeCursor {
    digest = digest == null ? new byte[0] : digest.clone();
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof EnvelopeCursor c && c.timestampNs == timestampNs && Arrays.equals(c.digest, digest);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(timestampNs) * 31 + Arrays.hashCode(digest);
  }
}
