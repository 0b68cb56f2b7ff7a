package org.xmtpj.chain.checkpoint;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One active node's signature over an epoch's checkpoint: its operator key signed the EIP-712 message
 * {@code Checkpoint(epoch, cutHash, root)} of the Checkpoints contract (see {@link CheckpointTypedData}).
 *
 * @param nodeId the signing node (its NodeRegistry operator must be the signer)
 * @param epoch the epoch the root is for
 * @param cutHash the 32-byte hash of the cut (per-origin frontier) the root was computed at
 * @param root the 32-byte state root
 * @param signature 65 bytes {@code r‖s‖v}, v = 27 or 28, low s
 */
public record SignedCheckpoint(long nodeId, long epoch, byte[] cutHash, byte[] root, byte[] signature) {
  public static final int HASH_LENGTH = 32;
  public static final int SIGNATURE_LENGTH = 65;

  public SignedCheckpoint {
    if (nodeId <= 0) {
      throw new IllegalArgumentException("node ids start at 1, got " + nodeId);
    }
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must not be negative, got " + epoch);
    }
    cutHash = exactly(cutHash, HASH_LENGTH, "cutHash");
    root = exactly(root, HASH_LENGTH, "root");
    signature = exactly(signature, SIGNATURE_LENGTH, "signature");
  }

  @Override
  public byte[] cutHash() {
    return cutHash.clone();
  }

  @Override
  public byte[] root() {
    return root.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** Whether {@code other} signs the same (epoch, cutHash, root). */
  public boolean sameMessage(SignedCheckpoint other) {
    return epoch == other.epoch && Arrays.equals(cutHash, other.cutHash) && Arrays.equals(root, other.root);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedCheckpoint s && nodeId == s.nodeId && sameMessage(s)
        && Arrays.equals(signature, s.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(nodeId, epoch, Arrays.hashCode(cutHash), Arrays.hashCode(root), Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "SignedCheckpoint[nodeId=" + nodeId + ", epoch=" + epoch + ", cutHash=" + hex.formatHex(cutHash)
        + ", root=" + hex.formatHex(root) + ", signature=" + hex.formatHex(signature) + "]";
  }

  static byte[] exactly(byte[] value, int length, String name) {
    Objects.requireNonNull(value, name);
    if (value.length != length) {
      throw new IllegalArgumentException(name + " must be " + length + " bytes, got " + value.length);
    }
    return value.clone();
  }
}
