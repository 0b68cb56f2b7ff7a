package org.xmtpj.dag;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xmtpj.crypto.Sha256;

/**
 * RFC 6962 Merkle tree over event ids (leaf = SHA-256(0x00 ‖ id), node = SHA-256(0x01 ‖ left ‖ right), split at
 * the largest power of two below n), with audit paths and their verification (RFC 9162 §2.1.3.2).
 */
public final class MerkleBatch {
  private static final byte[] LEAF = {0};
  private static final byte[] NODE = {1};
  private static final byte[] SIGN_DOMAIN = "xmtpj/batch/v1\0".getBytes(StandardCharsets.US_ASCII);

  private final byte[] root;
  private final List<List<byte[]>> paths;

  /** Builds the tree over the ids, in order. */
  public MerkleBatch(List<EventId> ids) {
    if (ids.isEmpty() || ids.size() > BatchProof.MAX_SIZE) {
      throw new IllegalArgumentException("a batch holds 1.." + BatchProof.MAX_SIZE + " events");
    }
    paths = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      paths.add(new ArrayList<>());
    }
    root = build(ids, 0, ids.size());
  }

  public byte[] root() {
    return root.clone();
  }

  public List<byte[]> path(int index) {
    return List.copyOf(paths.get(index));
  }

  /** What the origin signs: the domain, the batch size and the root. */
  public static byte[] signedMessage(int size, byte[] root) {
    return ByteBuffer.allocate(SIGN_DOMAIN.length + 2 + 32).put(SIGN_DOMAIN).putShort((short) size).put(root)
        .array();
  }

  /** Recomputes the root from a leaf and its proof, or null when the path does not fit (index, size). */
  public static byte[] rootFromProof(EventId id, BatchProof proof) {
    long fn = proof.index();
    long sn = proof.size() - 1L;
    byte[] r = Sha256.hash(LEAF, id.unsafeBytes());
    for (byte[] p : proof.path()) {
      if (sn == 0) {
        return null;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Sha256.hash(NODE, p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      } else {
        r = Sha256.hash(NODE, r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 ? r : null;
  }

  /** Audit path length for (index, size): what a canonical proof must carry. */
  public static int pathLength(int index, int size) {
    int length = 0;
    int n = size;
    int m = index;
    while (n > 1) {
      int k = Integer.highestOneBit(n - 1);
      if (m < k) {
        n = k;
      } else {
        m -= k;
        n -= k;
      }
      length++;
    }
    return length;
  }

  private byte[] build(List<EventId> ids, int from, int to) {
    if (to - from == 1) {
      return Sha256.hash(LEAF, ids.get(from).unsafeBytes());
    }
    int k = Integer.highestOneBit(to - from - 1);
    byte[] left = build(ids, from, from + k);
    byte[] right = build(ids, from + k, to);
    for (int i = from; i < from + k; i++) {
      paths.get(i).add(right);
    }
    for (int i = from + k; i < to; i++) {
      paths.get(i).add(left);
    }
    return Sha256.hash(NODE, left, right);
  }

  @Override
  public String toString() {
    return "MerkleBatch[" + paths.size() + " leaves, root " + Arrays.toString(Arrays.copyOf(root, 4)) + "]";
  }
}
