package org.xmtpj.node.replication;

/** The reconciliation fingerprint: XOR of the 256 bucket hashes (order-free, so equal sets give equal values). */
final class Fingerprints {
  private Fingerprints() {}

  static byte[] total(byte[][] buckets) {
    byte[] out = new byte[32];
    for (byte[] b : buckets) {
      for (int i = 0; i < 32; i++) {
        out[i] ^= b[i];
      }
    }
    return out;
  }
}
