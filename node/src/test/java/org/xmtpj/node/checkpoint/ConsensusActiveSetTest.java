package org.xmtpj.node.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xmtpj.node.checkpoint.ConsensusHarness.ROOT;
import static org.xmtpj.node.checkpoint.ConsensusHarness.node;

import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.chain.checkpoint.SignedCheckpoint;
import org.xmtpj.chain.staking.ActiveSet;

/**
 * Issue 13, finding 11: Staking's {@code activeSet(e)} is the latest snapshot taken at or before e, so before e's
 * own snapshot is taken it answers with an older set. A signature record that names e early must not make the node
 * take that answer for e's set; it is held and checked once e's set is final.
 */
class ConsensusActiveSetTest {
  @TempDir
  Path dir;

  /** Nodes 1–3 with 10 each from epoch 0; node 4 joins with 50 at epoch 6's snapshot (total 80). */
  private ConsensusHarness chainWhereNode4JoinsAtEpoch6() {
    ConsensusHarness h = new ConsensusHarness(dir, 4, 1);
    h.at(0, 1);
    h.staking.snapshot(node(1, 10), node(2, 10), node(3, 10));
    return h;
  }

  private static void snapshotWithNode4(ConsensusHarness h) {
    h.at(6, 1);
    h.staking.snapshot(node(1, 10), node(2, 10), node(3, 10), node(4, 50));
  }

  private static List<Long> signers(List<SignedCheckpoint> submission) {
    return submission.stream().map(SignedCheckpoint::nodeId).sorted().toList();
  }

  /** What the contract checks: ≥ 2/3 of the stake of the set in force for the epoch, all signers members. */
  private static void assertQuorumOfRealSet(ConsensusHarness h, long epoch, List<SignedCheckpoint> submission) {
    ActiveSet real = h.staking.activeSet(epoch).orElseThrow();
    assertThat(signers(submission)).allMatch(real::contains);
    BigInteger signed = real.nodes().stream().filter(n -> signers(submission).contains(n.nodeId()))
        .map(n -> n.stake()).reduce(BigInteger.ZERO, BigInteger::add);
    assertThat(signed.multiply(BigInteger.valueOf(3))).isGreaterThanOrEqualTo(real.totalStake().multiply(
        BigInteger.TWO));
  }

  @Test
  void shouldAcceptTheNewMembersSignatureWhenAnEarlyRecordNamedTheEpochBeforeItsSnapshot() {
    ConsensusHarness h = chainWhereNode4JoinsAtEpoch6();
    h.at(5, 10);
    h.sign(2, 6, ROOT); // names epoch 6 while only epoch 0's snapshot exists
    h.consensus.tick();
    snapshotWithNode4(h);

    h.at(7, 20); // epoch 6 is over: its set is {1, 2, 3, 4} for good
    h.sign(4, 6, ROOT);
    h.settle();

    assertThat(h.checkpoints.submissions).hasSize(1);
    assertThat(signers(h.checkpoints.submissions.getFirst())).containsExactly(2L, 4L);
    assertQuorumOfRealSet(h, 6, h.checkpoints.submissions.getFirst());
  }

  @Test
  void shouldNotSubmitTheStaleSetsQuorumWhenTheRealSnapshotOutweighsIt() {
    ConsensusHarness h = chainWhereNode4JoinsAtEpoch6();
    h.at(5, 10);
    h.sign(1, 6, ROOT);
    h.sign(2, 6, ROOT); // 20 of 30 in epoch 0's set, but 20 of 80 in epoch 6's
    h.settle();
    snapshotWithNode4(h);
    h.at(7, 20);
    h.settle();

    assertThat(h.checkpoints.submissions).as("20 of 80 is no quorum").isEmpty();

    h.sign(4, 6, ROOT);
    h.settle();

    assertThat(h.checkpoints.submissions).hasSize(1);
    assertThat(signers(h.checkpoints.submissions.getFirst())).containsExactly(1L, 2L, 4L);
    assertQuorumOfRealSet(h, 6, h.checkpoints.submissions.getFirst());
  }

  @Test
  void shouldCountAnHonestEarlySignatureWhenItsSetBecomesFinalLater() {
    ConsensusHarness h = chainWhereNode4JoinsAtEpoch6();
    h.at(5, 50);
    h.sign(4, 6, ROOT); // node 4's clock runs ahead: it signs before epoch 6's snapshot makes it a member
    h.consensus.tick();
    snapshotWithNode4(h);
    h.at(6, 30);
    h.consensus.tick();

    h.at(7, 20);
    h.sign(2, 6, ROOT);
    h.settle();

    assertThat(h.checkpoints.submissions).hasSize(1);
    assertThat(signers(h.checkpoints.submissions.getFirst())).containsExactly(2L, 4L);
  }

  @Test
  void shouldWaitForTheEpochToEndWhenEarlySignaturesReachAQuorumOfAFinalSet() {
    ConsensusHarness h = chainWhereNode4JoinsAtEpoch6();
    h.at(6, 1);
    h.staking.snapshot(node(1, 10), node(2, 10), node(3, 10), node(4, 60)); // final during epoch 6 already
    h.sign(4, 6, ROOT); // 60 of 90: a quorum, but epoch 6 is not over
    h.settle();

    assertThat(h.checkpoints.submissions).isEmpty();

    h.at(7, 1);
    h.settle();

    assertThat(h.checkpoints.submissions).hasSize(1);
    assertQuorumOfRealSet(h, 6, h.checkpoints.submissions.getFirst());
  }

  @Test
  void shouldUseTheSetInForceWhenNobodyAdvancedTheEpoch() {
    ConsensusHarness h = chainWhereNode4JoinsAtEpoch6();
    h.at(5, 10);
    h.sign(2, 6, ROOT);
    h.consensus.tick();

    h.at(7, 20); // epoch 6 over without a snapshot of its own: epoch 0's set is epoch 6's for good
    h.sign(3, 6, ROOT);
    h.settle();

    assertThat(h.checkpoints.submissions).hasSize(1);
    assertThat(signers(h.checkpoints.submissions.getFirst())).containsExactly(2L, 3L);
  }

  @Test
  void shouldDropFarFutureRecordsWithoutAskingTheChainWhenTheyNameEpochsBeyondTheNextOne() {
    ConsensusHarness h = chainWhereNode4JoinsAtEpoch6();
    h.at(5, 10);
    for (long e = 7; e < 2_007; e++) {
      h.sign(2, e, ROOT); // validly signed by a member, for epochs that have not begun
    }
    h.forged(3, Long.MAX_VALUE / 2, 1);

    h.consensus.tick();

    assertThat(h.staking.activeSetCalls).allMatch(e -> e <= 6);
    assertThat(h.registry.nodeCalls).isEmpty();
    assertThat(h.metric("xmtpd_checkpoint_signatures_dropped")).isEqualTo(2_001);
    assertThat(h.metric("xmtpd_checkpoint_signatures_held")).isZero();
  }

  @Test
  void shouldBoundTheHeldRecordsPerNodeAndPerEpochWhenStrangersFloodTheNextEpoch() {
    ConsensusHarness h = chainWhereNode4JoinsAtEpoch6();
    h.at(5, 10);
    for (int v = 0; v < 50; v++) {
      h.forged(3, 6, v); // 50 different roots claimed for one node
    }
    for (long id = 10; id < 5_010; id++) {
      h.forged(id, 6, 7); // 5,000 node ids nobody registered
    }

    h.settle();

    assertThat(h.metric("xmtpd_checkpoint_signatures_held")).isLessThanOrEqualTo(HeldSignatures.PER_EPOCH);
    assertThat(h.metric("xmtpd_checkpoint_signatures_dropped")).isGreaterThanOrEqualTo(5_050
        - HeldSignatures.PER_EPOCH);
    assertThat(h.staking.activeSetCalls).as("one look at epoch 6 per tick, not one per record").hasSizeLessThan(5);
    assertThat(h.registry.nodeCalls).as("nothing held is checked before its set is final").isEmpty();

    h.at(7, 1);
    h.settle();

    assertThat(h.metric("xmtpd_checkpoint_signatures_held")).isZero();
    assertThat(h.registry.nodeCalls).as("only members' operators are looked up").containsOnly(3L);
  }
}
