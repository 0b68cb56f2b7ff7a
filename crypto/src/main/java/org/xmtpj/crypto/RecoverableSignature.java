package org.xmtpj.crypto;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A compact secp256k1 signature {@code r‖s} (64 bytes, big-endian) plus the recovery id (0 or 1: the parity of the
 * nonce point's Y), which is what XMTP stores in {@code Signature.ecdsa_compact}.
 */
public record RecoverableSignature(byte[] rs, int recoveryId) {
  public static final int LENGTH = 64;

  public RecoverableSignature {
    if (rs == null || rs.length != LENGTH) {
      throw new IllegalArgumentException(
          "signature r‖s must be " + LENGTH + " bytes, got " + (rs == null ? "null" : rs.length));
    }
    if (recoveryId != 0 && recoveryId != 1) {
      throw new IllegalArgumentException("recovery id must be 0 or 1, got " + recoveryId);
    }
    rs = rs.clone();
  }

  @Override
  public byte[] rs() {
    return rs.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecoverableSignature other
        && recoveryId == other.recoveryId
        && Arrays.equals(rs, other.rs);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(rs) + recoveryId;
  }

  @Override
  public String toString() {
    return "RecoverableSignature[rs=" + HexFormat.of().formatHex(rs) + ", recoveryId=" + recoveryId + "]";
  }
}
