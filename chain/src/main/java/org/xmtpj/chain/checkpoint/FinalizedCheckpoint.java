package org.xmtpj.chain.checkpoint;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * An epoch's checkpoint as the Checkpoints contract recorded it.
 *
 * @param epoch the epoch
 * @param cutHash the 32-byte hash of the cut the root was computed at
 * @param root the 32-byte state root
 * @param signers the node ids whose signatures finalized it, ascending
 * @param signedStake their stake in the epoch's active-set snapshot (token base units)
 * @param totalStake the snapshot's total stake; {@code signedStake × 3 ≥ totalStake × 2}
 */
public record FinalizedCheckpoint(long epoch, byte[] cutHash, byte[] root, List<Long> signers,
    BigInteger signedStake, BigInteger totalStake) {

  public FinalizedCheckpoint {
    cutHash = SignedCheckpoint.exactly(cutHash, SignedCheckpoint.HASH_LENGTH, "cutHash");
    root = SignedCheckpoint.exactly(root, SignedCheckpoint.HASH_LENGTH, "root");
    signers = List.copyOf(signers);
    Objects.requireNonNull(signedStake, "signedStake");
    Objects.requireNonNull(totalStake, "totalStake");
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
  public boolean equals(Object o) {
    return o instanceof FinalizedCheckpoint f && epoch == f.epoch && Arrays.equals(cutHash, f.cutHash)
        && Arrays.equals(root, f.root) && signers.equals(f.signers) && signedStake.equals(f.signedStake)
        && totalStake.equals(f.totalStake);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, Arrays.hashCode(cutHash), Arrays.hashCode(root), signers, signedStake, totalStake);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "FinalizedCheckpoint[epoch=" + epoch + ", cutHash=" + hex.formatHex(cutHash) + ", root="
        + hex.formatHex(root) + ", signers=" + signers + ", signedStake=" + signedStake + ", totalStake="
        + totalStake + "]";
  }
}
