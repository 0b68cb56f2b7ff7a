package org.xmtpj.dag.state;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.xmtpj.crypto.state.StateHashes;
import org.xmtpj.crypto.state.StateProof;
import org.xmtpj.dag.TopicKey;

/**
 * The checkpoint state tree: a compressed sparse binary Merkle trie from 32-byte topic ids to 32-byte leaf values,
 * hashed by the rules of {@link StateHashes}. Each leaf also carries an attachment (the topic's heads, for proofs).
 *
 * <p>Immutable and persistent: {@link #with} returns a new version that shares every subtree the updates did not
 * touch, and hashes each new node once, so an epoch costs about (changed topics × log2(topics)) hashes and the
 * versions of recent epochs stay available for proofs at little memory cost. Safe to share between threads.
 *
 * @param <A> what a leaf carries besides its value
 */
public final class StateTree<A> {
  private static final byte[] EMPTY_HASH = new byte[32];
  private static final StateTree<?> EMPTY = new StateTree<>(null);

  private final Node<A> root; // null when empty

  private sealed interface Node<A> permits Leaf, Branch {
    byte[] hash();

    int size();
  }

  private record Leaf<A>(byte[] key, byte[] value, A attachment, byte[] hash) implements Node<A> {
    public int size() {
      return 1;
    }
  }

  /** Holds at least two leaves; halves by bit {@code depth}, null when empty. */
  private record Branch<A>(int depth, Node<A> left, Node<A> right, byte[] hash, int size) implements Node<A> {}

  /** One new leaf value and its attachment. */
  public record Update<A>(byte[] value, A attachment) {
    public Update {
      if (value == null || value.length != 32) {
        throw new IllegalArgumentException("leaf values are 32 bytes");
      }
    }
  }

  private StateTree(Node<A> root) {
    this.root = root;
  }

  @SuppressWarnings("unchecked")
  public static <A> StateTree<A> empty() {
    return (StateTree<A>) EMPTY;
  }

  public int size() {
    return root == null ? 0 : root.size();
  }

  /** The root hash: 32 zero bytes for an empty tree. */
  public byte[] root() {
    return root == null ? EMPTY_HASH.clone() : root.hash().clone();
  }

  /** A new version with these leaves set (inserted or replaced). */
  public StateTree<A> with(Map<TopicKey, Update<A>> updates) {
    if (updates.isEmpty()) {
      return this;
    }
    // each key's bytes are copied out once: the descent tests bits of them many times
    List<Pending<A>> list = new ArrayList<>(updates.size());
    updates.forEach((k, u) -> list.add(new Pending<>(k.bytes(), u.value().clone(), u.attachment())));
    list.sort((x, y) -> Arrays.compareUnsigned(x.key(), y.key()));
    return new StateTree<>(apply(root, 0, list, new Hasher()));
  }

  /** A new version with one leaf set. */
  public StateTree<A> with(byte[] key, byte[] value, A attachment) {
    return with(Map.of(new TopicKey(key), new Update<>(value, attachment)));
  }

  /** One leaf to set: its key, value and attachment. */
  private record Pending<A>(byte[] key, byte[] value, A attachment) {}

  private static <A> Node<A> apply(Node<A> node, int depth, List<Pending<A>> ups, Hasher h) {
    if (ups.isEmpty()) {
      return node;
    }
    if (node == null) {
      return build(depth, ups, h);
    }
    if (node instanceof Leaf<A> leaf) {
      boolean replaced = ups.stream().anyMatch(u -> Arrays.equals(u.key(), leaf.key()));
      List<Pending<A>> all = new ArrayList<>(ups);
      if (!replaced) {
        all.add(new Pending<>(leaf.key(), leaf.value(), leaf.attachment()));
        all.sort((x, y) -> Arrays.compareUnsigned(x.key(), y.key()));
      }
      return build(depth, all, h);
    }
    Branch<A> b = (Branch<A>) node;
    int split = firstWithBit(ups, b.depth());
    Node<A> left = apply(b.left(), b.depth() + 1, ups.subList(0, split), h);
    Node<A> right = apply(b.right(), b.depth() + 1, ups.subList(split, ups.size()), h);
    return left == b.left() && right == b.right() ? b : branch(b.depth(), left, right, h);
  }

  /** The subtree holding exactly these leaves (sorted, all sharing the first {@code depth} bits). */
  private static <A> Node<A> build(int depth, List<Pending<A>> ups, Hasher h) {
    if (ups.isEmpty()) {
      return null;
    }
    if (ups.size() == 1) {
      Pending<A> u = ups.getFirst();
      return new Leaf<>(u.key(), u.value(), u.attachment(), h.digest((byte) 0, u.key(), u.value()));
    }
    int split = firstWithBit(ups, depth);
    return branch(depth, build(depth + 1, ups.subList(0, split), h), build(depth + 1, ups.subList(split, ups.size()),
        h), h);
  }

  private static <A> Branch<A> branch(int depth, Node<A> left, Node<A> right, Hasher h) {
    byte[] hash = h.digest((byte) 1, left == null ? EMPTY_HASH : left.hash(), right == null ? EMPTY_HASH
        : right.hash());
    return new Branch<>(depth, left, right, hash, (left == null ? 0 : left.size()) + (right == null ? 0
        : right.size()));
  }

  /** Index of the first update whose key has bit {@code depth} set (the list is sorted, so a prefix has it 0). */
  private static <A> int firstWithBit(List<Pending<A>> ups, int depth) {
    int lo = 0;
    int hi = ups.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (StateHashes.bit(ups.get(mid).key(), depth) == 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private Optional<Leaf<A>> leaf(byte[] key) {
    Node<A> n = root;
    while (n instanceof Branch<A> b) {
      n = StateHashes.bit(key, b.depth()) == 0 ? b.left() : b.right();
    }
    return n instanceof Leaf<A> l && Arrays.equals(l.key(), key) ? Optional.of(l) : Optional.empty();
  }

  /** The leaf value of a topic, if present. */
  public Optional<byte[]> get(byte[] key) {
    return leaf(key).map(l -> l.value().clone());
  }

  /** What the topic's leaf carries, if present. */
  public Optional<A> attachment(byte[] key) {
    return leaf(key).map(Leaf::attachment);
  }

  /** Calls {@code action} with every leaf's key and attachment, in ascending key order. */
  public void forEachLeaf(java.util.function.BiConsumer<byte[], A> action) {
    java.util.ArrayDeque<Node<A>> stack = new java.util.ArrayDeque<>();
    if (root != null) {
      stack.push(root);
    }
    while (!stack.isEmpty()) {
      Node<A> n = stack.pop();
      if (n instanceof Leaf<A> l) {
        action.accept(l.key().clone(), l.attachment());
      } else {
        Branch<A> b = (Branch<A>) n;
        if (b.right() != null) {
          stack.push(b.right());
        }
        if (b.left() != null) {
          stack.push(b.left());
        }
      }
    }
  }

  /** The proof that the topic's leaf is under {@link #root}; empty when the topic is not in the tree. */
  public Optional<StateProof> proof(byte[] key) {
    List<byte[]> siblings = new ArrayList<>();
    Node<A> n = root;
    while (n instanceof Branch<A> b) {
      boolean left = StateHashes.bit(key, b.depth()) == 0;
      Node<A> sibling = left ? b.right() : b.left();
      siblings.add(sibling == null ? EMPTY_HASH : sibling.hash());
      n = left ? b.left() : b.right();
    }
    if (!(n instanceof Leaf<A> l) || !Arrays.equals(l.key(), key)) {
      return Optional.empty();
    }
    return Optional.of(new StateProof(l.key(), l.value(), siblings));
  }

  /** One SHA-256 instance per update batch (MessageDigest is not thread-safe; trees are shared). */
  private static final class Hasher {
    private final MessageDigest sha;

    Hasher() {
      try {
        sha = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK must provide SHA-256", e);
      }
    }

    byte[] digest(byte tag, byte[] a, byte[] b) {
      sha.update(tag);
      sha.update(a);
      sha.update(b);
      return sha.digest();
    }
  }
}
