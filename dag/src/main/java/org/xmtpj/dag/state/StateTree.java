package org.xmtpj.dag.state;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.xmtpj.crypto.state.StateHashes;
import org.xmtpj.crypto.state.StateProof;

/**
 * The checkpoint state tree: a compressed sparse binary Merkle trie from 32-byte topic ids to 32-byte leaf values,
 * hashed by the rules of {@link StateHashes}. Updates only mark the path they touch; {@link #root} rehashes the
 * marked nodes once, so an epoch costs about (changed topics × log2(topics)) hashes, not a pass over every topic.
 * Not thread-safe: the checkpoint thread owns it.
 */
public final class StateTree {
  private final MessageDigest sha = sha256();
  private Node root; // null when empty
  private int size;

  /** A subtree: a single leaf, or a branch over keys that share the first {@code depth} bits. */
  private abstract static sealed class Node permits Leaf, Branch {
    byte[] hash; // null while dirty
  }

  private static final class Leaf extends Node {
    final byte[] key;
    byte[] value;

    Leaf(byte[] key, byte[] value) {
      this.key = key;
      this.value = value;
    }
  }

  /** Holds at least two leaves; {@code left}/{@code right} are the halves by bit {@code depth} (null if empty). */
  private static final class Branch extends Node {
    final int depth;
    Node left;
    Node right;

    Branch(int depth) {
      this.depth = depth;
    }
  }

  public int size() {
    return size;
  }

  /** Sets a topic's leaf value (inserting the topic if new). */
  public void put(byte[] key, byte[] value) {
    if (key.length != StateHashes.KEY_BYTES || value.length != 32) {
      throw new IllegalArgumentException("keys and values are 32 bytes");
    }
    root = put(root, 0, key.clone(), value.clone());
  }

  private Node put(Node node, int depth, byte[] key, byte[] value) {
    if (node == null) {
      size++;
      return new Leaf(key, value);
    }
    if (node instanceof Leaf leaf) {
      if (Arrays.equals(leaf.key, key)) {
        if (!Arrays.equals(leaf.value, value)) {
          leaf.value = value;
          leaf.hash = null;
        }
        return leaf;
      }
      return split(leaf, new Leaf(key, value), depth);
    }
    Branch b = (Branch) node;
    if (StateHashes.bit(key, b.depth) == 0) {
      b.left = put(b.left, b.depth + 1, key, value);
    } else {
      b.right = put(b.right, b.depth + 1, key, value);
    }
    b.hash = null;
    return b;
  }

  /** Two leaves that met at {@code depth}: a branch at every depth down to the first bit where they differ. */
  private Node split(Leaf existing, Leaf added, int depth) {
    size++;
    Branch top = new Branch(depth);
    Branch b = top;
    while (StateHashes.bit(existing.key, b.depth) == StateHashes.bit(added.key, b.depth)) {
      Branch next = new Branch(b.depth + 1);
      if (StateHashes.bit(added.key, b.depth) == 0) {
        b.left = next;
      } else {
        b.right = next;
      }
      b = next;
    }
    if (StateHashes.bit(added.key, b.depth) == 0) {
      b.left = added;
      b.right = existing;
    } else {
      b.left = existing;
      b.right = added;
    }
    return top;
  }

  /** The leaf value of a topic, if present. */
  public Optional<byte[]> get(byte[] key) {
    Node n = root;
    while (n instanceof Branch b) {
      n = StateHashes.bit(key, b.depth) == 0 ? b.left : b.right;
    }
    return n instanceof Leaf l && Arrays.equals(l.key, key) ? Optional.of(l.value.clone()) : Optional.empty();
  }

  /** The root hash (32 zero bytes for an empty tree); rehashes what changed since the last call. */
  public byte[] root() {
    return root == null ? StateHashes.empty() : hash(root).clone();
  }

  private byte[] hash(Node n) {
    if (n.hash != null) {
      return n.hash;
    }
    if (n instanceof Leaf l) {
      n.hash = digest((byte) 0, l.key, l.value);
    } else {
      Branch b = (Branch) n;
      byte[] left = b.left == null ? EMPTY : hash(b.left);
      byte[] right = b.right == null ? EMPTY : hash(b.right);
      n.hash = digest((byte) 1, left, right);
    }
    return n.hash;
  }

  private static final byte[] EMPTY = new byte[32];

  private byte[] digest(byte tag, byte[] a, byte[] b) {
    sha.update(tag);
    sha.update(a);
    sha.update(b);
    return sha.digest();
  }

  /** The proof that the topic's current leaf is under {@link #root}; empty when the topic is not in the tree. */
  public Optional<StateProof> proof(byte[] key) {
    root();
    List<byte[]> siblings = new ArrayList<>();
    Node n = root;
    while (n instanceof Branch b) {
      boolean left = StateHashes.bit(key, b.depth) == 0;
      Node sibling = left ? b.right : b.left;
      siblings.add(sibling == null ? EMPTY.clone() : sibling.hash.clone());
      n = left ? b.left : b.right;
    }
    if (!(n instanceof Leaf l) || !Arrays.equals(l.key, key)) {
      return Optional.empty();
    }
    return Optional.of(new StateProof(l.key, l.value, siblings));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide SHA-256", e);
    }
  }
}
