package org.xmtpj.crypto;

import org.bouncycastle.crypto.digests.KeccakDigest;

/**
 * Keccak-256 as Ethereum uses it. This is the original Keccak padding, which differs from the standardised SHA3-256:
 * the two give different digests for the same input.
 */
public final class Keccak256 {
  public static final int DIGEST_LENGTH = 32;

  private Keccak256() {}

  /** Hashes the concatenation of {@code parts}. */
  public static byte[] hash(byte[]... parts) {
    KeccakDigest digest = new KeccakDigest(256);
    for (byte[] part : parts) {
      digest.update(part, 0, part.length);
    }
    byte[] out = new byte[DIGEST_LENGTH];
    digest.doFinal(out, 0);
    return out;
  }
}
