package org.xmtpj.dag;

import java.util.List;

/**
 * How an origin's single signature covers many events: the events of one batch are the leaves (their ids) of an
 * RFC 6962 Merkle tree; the origin signs the tree size and root once; each event carries its leaf index and audit
 * path. Signing cost is per batch, and every event still verifies on its own.
 *
 * @param size leaves in the batch, 1..{@link #MAX_SIZE}
 * @param index this event's leaf, 0..size-1
 * @param path sibling hashes from the leaf up, exactly as long as (index, size) requires
 * @param signature Ed25519 by the origin over {@link MerkleBatch#signedMessage(int, byte[])}
 */
public record BatchProof(int size, int index, List<byte[]> path, byte[] signature) {
  public static final int MAX_SIZE = 65_535;

  public BatchProof {
    if (size < 1 || size > MAX_SIZE || index < 0 || index >= size) {
      throw new IllegalArgumentException("bad batch position " + index + " of " + size);
    }
    path = List.copyOf(path);
    for (byte[] p : path) {
      if (p.length != 32) {
        throw new IllegalArgumentException("audit path entries are 32 bytes");
      }
    }
    if (signature == null || signature.length != DagLimits.SIGNATURE_BYTES) {
      throw new IllegalArgumentException("signature must be " + DagLimits.SIGNATURE_BYTES + " bytes");
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof BatchProof p) || p.size != size || p.index != index || p.path.size() != path.size()) {
      return false;
    }
    for (int i = 0; i < path.size(); i++) {
      if (!java.util.Arrays.equals(path.get(i), p.path.get(i))) {
        return false;
      }
    }
    return java.util.Arrays.equals(signature, p.signature);
  }

  @Override
  public int hashCode() {
    return size * 31 + index;
  }
}
