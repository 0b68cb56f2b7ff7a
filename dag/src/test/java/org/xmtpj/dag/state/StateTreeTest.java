package org.xmtpj.dag.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmtpj.crypto.Sha256;
import org.xmtpj.crypto.state.StateHashes;
import org.xmtpj.crypto.state.StateProof;

class StateTreeTest {

  /** The definition of docs/consensus.md §4, written as directly as possible: the oracle for the tree. */
  private static byte[] reference(List<byte[][]> leaves, int depth) {
    if (leaves.isEmpty()) {
      return new byte[32];
    }
    if (leaves.size() == 1) {
      return Sha256.hash(new byte[] {0}, leaves.get(0)[0], leaves.get(0)[1]);
    }
    List<byte[][]> left = new ArrayList<>();
    List<byte[][]> right = new ArrayList<>();
    for (byte[][] kv : leaves) {
      (StateHashes.bit(kv[0], depth) == 0 ? left : right).add(kv);
    }
    return Sha256.hash(new byte[] {1}, reference(left, depth + 1), reference(right, depth + 1));
  }

  private static byte[] random32(Random r) {
    byte[] b = new byte[32];
    r.nextBytes(b);
    return b;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void shouldMatchTheDefinitionAfterEveryRandomBatchOfInsertsAndUpdates(long seed) {
    Random r = new Random(seed);
    StateTree<Object> tree = StateTree.empty();
    Map<String, byte[][]> model = new LinkedHashMap<>();
    List<byte[]> keys = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (int i = 0; i < 1 + r.nextInt(40); i++) {
        byte[] key;
        if (!keys.isEmpty() && r.nextInt(3) == 0) {
          key = keys.get(r.nextInt(keys.size()));
        } else if (!keys.isEmpty() && r.nextInt(4) == 0) {
          key = keys.get(r.nextInt(keys.size())).clone(); // a close neighbour: shares a long prefix
          key[31] ^= (byte) (1 << r.nextInt(8));
          keys.add(key);
        } else {
          key = random32(r);
          keys.add(key);
        }
        byte[] value = random32(r);
        tree = tree.with(key, value, null);
        model.put(HexFormat.of().formatHex(key), new byte[][] {key, value});
      }
      assertThat(tree.root()).isEqualTo(reference(new ArrayList<>(model.values()), 0));
      assertThat(tree.size()).isEqualTo(model.size());
    }
  }

  @Test
  void shouldKeepOldVersionsIntactAndAgreeBetweenBatchAndSingleUpdates() {
    Random r = new Random(9);
    StateTree<Object> v1 = StateTree.empty();
    java.util.Map<org.xmtpj.dag.TopicKey, StateTree.Update<Object>> batch = new java.util.HashMap<>();
    StateTree<Object> oneByOne = StateTree.empty();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      byte[] key = random32(r);
      byte[] value = random32(r);
      keys.add(key);
      v1 = v1.with(key, value, "v1");
      batch.put(new org.xmtpj.dag.TopicKey(key), new StateTree.Update<>(random32(r), "v2"));
    }
    byte[] rootV1 = v1.root();
    StateProof proofV1 = v1.proof(keys.get(3)).orElseThrow();

    StateTree<Object> v2 = v1.with(batch);
    for (var e : batch.entrySet()) {
      oneByOne = oneByOne.with(e.getKey().bytes(), e.getValue().value(), "x");
    }

    assertThat(v1.root()).isEqualTo(rootV1);
    assertThat(proofV1.verifies(v1.root())).isTrue();
    assertThat(v1.attachment(keys.get(3))).contains("v1");
    assertThat(v2.attachment(keys.get(3))).contains("v2");
    assertThat(v2.root()).isEqualTo(oneByOne.root()).isNotEqualTo(rootV1);
    assertThat(v2.size()).isEqualTo(300);
  }

  @Test
  void shouldHashAnEmptyTreeToZerosAndASingleLeafToItsLeafHash() {
    StateTree<Object> tree = StateTree.empty();
    assertThat(tree.root()).isEqualTo(new byte[32]);
    byte[] key = random32(new Random(1));
    byte[] value = random32(new Random(2));

    tree = tree.with(key, value, null);

    assertThat(tree.root()).isEqualTo(StateHashes.leaf(key, value));
    assertThat(tree.proof(key).orElseThrow().siblings()).isEmpty();
  }

  @Test
  void shouldProveEveryLeafAndRejectATamperedProof() {
    Random r = new Random(42);
    StateTree<Object> tree = StateTree.empty();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      byte[] key = random32(r);
      keys.add(key);
      tree = tree.with(key, random32(r), null);
    }
    byte[] root = tree.root();
    for (byte[] key : keys) {
      StateProof proof = tree.proof(key).orElseThrow();
      assertThat(proof.verifies(root)).isTrue();
      assertThat(proof.value()).isEqualTo(tree.get(key).orElseThrow());
    }

    StateProof good = tree.proof(keys.get(7)).orElseThrow();
    byte[] otherValue = random32(r);
    assertThat(new StateProof(good.key(), otherValue, good.siblings()).verifies(root)).as("other value").isFalse();
    List<byte[]> bent = new ArrayList<>(good.siblings());
    bent.set(0, random32(r));
    assertThat(new StateProof(good.key(), good.value(), bent).verifies(root)).as("other sibling").isFalse();
    byte[] otherKey = good.key();
    otherKey[0] ^= 0x01;
    assertThat(new StateProof(otherKey, good.value(), good.siblings()).verifies(root)).as("other key").isFalse();
    assertThat(tree.proof(otherKey)).as("no proof for an absent topic").isEmpty();
  }

  @Test
  void shouldRejectANonCanonicalProofThatStopsAboveAnEmptySibling() {
    StateTree<Object> tree = StateTree.empty();
    byte[] a = new byte[32];
    byte[] b = new byte[32];
    b[31] = 1; // shares 255 bits with a
    byte[] va = random32(new Random(3));
    tree = tree.with(a, va, null);
    tree = tree.with(b, random32(new Random(4)), null);
    StateProof real = tree.proof(a).orElseThrow();
    assertThat(real.siblings()).hasSize(256);
    assertThat(real.verifies(tree.root())).isTrue();

    List<byte[]> padded = new ArrayList<>(real.siblings());
    padded.set(255, new byte[32]);
    assertThat(new StateProof(a, va, padded).verifies(tree.root())).isFalse();
  }

  @Test
  void shouldChangeTheRootOnlyWhenAValueChanges() {
    StateTree<Object> tree = StateTree.empty();
    byte[] key = random32(new Random(5));
    byte[] value = random32(new Random(6));
    tree = tree.with(random32(new Random(7)), random32(new Random(8)), null);
    tree = tree.with(key, value, null);
    byte[] before = tree.root();

    tree = tree.with(key, value.clone(), null);
    assertThat(tree.root()).isEqualTo(before);

    byte[] changed = value.clone();
    changed[0] ^= 1;
    tree = tree.with(key, changed, null);
    assertThat(Arrays.equals(tree.root(), before)).isFalse();
  }

  @Test
  void shouldVisitEveryLeafOnceInAscendingKeyOrderWithItsAttachment() {
    Random r = new Random(11);
    StateTree<String> tree = StateTree.empty();
    Map<String, String> model = new LinkedHashMap<>();
    for (int i = 0; i < 500; i++) {
      byte[] key = random32(r);
      if (i % 5 == 0) {
        key[0] = 0x7f; // many keys sharing a prefix, so branches sit at several depths
      }
      tree = tree.with(key, random32(r), "leaf " + i);
      model.put(HexFormat.of().formatHex(key), "leaf " + i);
    }
    List<byte[]> keys = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    tree.forEachLeaf((key, attachment) -> {
      keys.add(key);
      seen.put(HexFormat.of().formatHex(key), attachment);
    });

    assertThat(seen).isEqualTo(model);
    assertThat(keys).hasSize(500).isSortedAccordingTo(Arrays::compareUnsigned);
    StateTree.<String>empty().forEachLeaf((k, a) -> {
      throw new AssertionError("an empty tree has no leaves");
    });
  }
}
