package org.xmtpj.crypto.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xmtpj.crypto.Sha256;

/**
 * The hashing rules of the checkpoint state root (docs/consensus.md §4), shared by the nodes that build the tree
 * and the clients that verify proofs against a root read from the chain. All hashes are SHA-256.
 *
 * <ul>
 *   <li>an empty subtree hashes to 32 zero bytes;
 *   <li>a subtree holding exactly one leaf hashes to that leaf's hash: {@code H(0x00 ‖ key ‖ value)};
 *   <li>any other subtree hashes to {@code H(0x01 ‖ left ‖ right)}, its halves split by the next key bit (most
 *       significant bit first).
 * </ul>
 *
 * <p>A topic's leaf value commits to its heads within the cut: {@code H("xmtpj/topic-heads/v1" ‖ u32 count ‖
 * head ids in ascending unsigned order)}.
 */
public final class StateHashes {
  public static final int KEY_BYTES = 32;
  public static final int KEY_BITS = KEY_BYTES * 8;
  private static final byte[] EMPTY = new byte[32];
  private static final byte[] LEAF = {0x00};
  private static final byte[] NODE = {0x01};
  private static final byte[] HEADS_TAG = "xmtpj/topic-heads/v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private StateHashes() {}

  /** The hash of an empty subtree (a fresh copy). */
  public static byte[] empty() {
    return EMPTY.clone();
  }

  public static boolean isEmpty(byte[] hash) {
    return Arrays.equals(hash, EMPTY);
  }

  public static byte[] leaf(byte[] key, byte[] value) {
    requireLength("key", key, KEY_BYTES);
    requireLength("value", value, 32);
    return Sha256.hash(LEAF, key, value);
  }

  public static byte[] node(byte[] left, byte[] right) {
    return Sha256.hash(NODE, left, right);
  }

  /** Bit {@code index} of the key, 0 = the most significant bit of byte 0. */
  public static int bit(byte[] key, int index) {
    return (key[index >>> 3] >>> (7 - (index & 7))) & 1;
  }

  /** A topic's leaf value from its head ids within the cut (any order; sorted here). */
  public static byte[] topicHeads(List<byte[]> headIds) {
    if (headIds.isEmpty()) {
      throw new IllegalArgumentException("a topic in the cut has at least one head");
    }
    List<byte[]> sorted = new ArrayList<>(headIds);
    sorted.sort(Arrays::compareUnsigned);
    byte[][] parts = new byte[sorted.size() + 2][];
    parts[0] = HEADS_TAG;
    parts[1] = ByteBuffer.allocate(4).putInt(sorted.size()).array();
    for (int i = 0; i < sorted.size(); i++) {
      requireLength("head id", sorted.get(i), 32);
      if (i > 0 && Arrays.equals(sorted.get(i), sorted.get(i - 1))) {
        throw new IllegalArgumentException("duplicate head id");
      }
      parts[i + 2] = sorted.get(i);
    }
    return Sha256.hash(parts);
  }

  static void requireLength(String what, byte[] b, int length) {
    if (b == null || b.length != length) {
      throw new IllegalArgumentException(what + " must be " + length + " bytes");
    }
  }
}
