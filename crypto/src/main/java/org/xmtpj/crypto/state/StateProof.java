package org.xmtpj.crypto.state;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * That a topic's leaf is in the state tree: the leaf (topic id and value) and the sibling hashes from the leaf's
 * depth up to the root. {@code siblings.get(i)} is the sibling at depth {@code i + 1}'s split, i.e. the other half
 * of the subtree at depth {@code i}; the leaf sits at depth {@code siblings.size()}.
 *
 * @param key the topic id (32 bytes)
 * @param value the topic's leaf value ({@link StateHashes#topicHeads})
 * @param siblings one hash per level, from the root's children down to the leaf's sibling
 */
public record StateProof(byte[] key, byte[] value, List<byte[]> siblings) {
  public StateProof {
    StateHashes.requireLength("key", key, StateHashes.KEY_BYTES);
    StateHashes.requireLength("value", value, 32);
    key = key.clone();
    value = value.clone();
    if (siblings.size() > StateHashes.KEY_BITS) {
      throw new IllegalArgumentException("a proof has at most " + StateHashes.KEY_BITS + " levels");
    }
    siblings = siblings.stream().map(s -> {
      StateHashes.requireLength("sibling", s, 32);
      return s.clone();
    }).toList();
  }

  /** The root this proof leads to. */
  public byte[] root() {
    byte[] h = StateHashes.leaf(key, value);
    for (int depth = siblings.size() - 1; depth >= 0; depth--) {
      byte[] sibling = siblings.get(depth);
      h = StateHashes.bit(key, depth) == 0 ? StateHashes.node(h, sibling) : StateHashes.node(sibling, h);
    }
    return h;
  }

  /**
   * Whether the proof leads to {@code expectedRoot}. A leaf is only ever hashed at the depth where it is alone in
   * its subtree, so a proof that stops early (whose last sibling is empty) is rejected as non-canonical.
   */
  public boolean verifies(byte[] expectedRoot) {
    if (!siblings.isEmpty() && StateHashes.isEmpty(siblings.getLast())) {
      return false;
    }
    return Arrays.equals(root(), expectedRoot);
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StateProof p && Arrays.equals(key, p.key) && Arrays.equals(value, p.value)
        && siblings.size() == p.siblings.size()
        && java.util.stream.IntStream.range(0, siblings.size())
            .allMatch(i -> Arrays.equals(siblings.get(i), p.siblings.get(i)));
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key) * 31 + siblings.size();
  }

  @Override
  public String toString() {
    return "StateProof[key=" + HexFormat.of().formatHex(key) + ", depth=" + siblings.size() + "]";
  }
}
