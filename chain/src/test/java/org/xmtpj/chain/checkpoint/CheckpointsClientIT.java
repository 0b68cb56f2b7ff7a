package org.xmtpj.chain.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.xmtpj.chain.token.TokenClient.tokens;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.events.ChainEvent;
import org.xmtpj.chain.events.ChainEvent.CheckpointFinalized;
import org.xmtpj.chain.events.ChainEvent.DoubleSignSlashed;
import org.xmtpj.chain.events.ChainEvent.Slashed;
import org.xmtpj.chain.events.ChainEvents;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Ed25519KeyPair;

/**
 * Checkpoints through the adapter on a real chain: four nodes of 10,000 tokens each (operators: accounts 1..4)
 * form the active set; every test signs an epoch of its own that has just ended under that same set.
 */
class CheckpointsClientIT {
  static final SecureRandom RANDOM = new SecureRandom();
  static LocalChain chain;
  static ChainSession session;
  static long[] nodes;
  static CheckpointTypedData typed;

  @BeforeAll
  static void start() {
    // every test finalizes an epoch of its own under the first snapshot: a day of unbonding keeps them all within
    // the finalization window (snapshot start + unbonding; the devnet default of 120 s closes it after two epochs)
    chain = LocalChain.builder().deployParameter("unbondingPeriod", 86_400).start();
    session = chain.connect();
    nodes = startFourNodes(chain, session);
    typed = CheckpointTypedData.of(chain.deployment());
  }

  @AfterAll
  static void stop() {
    session.close();
    chain.close();
  }

  /** Accounts 1..4 register and self-stake 10,000 tokens each; then the first snapshot. Returns the node ids. */
  static long[] startFourNodes(LocalChain chain, ChainSession session) {
    long[] ids = new long[4];
    for (int i = 0; i < 4; i++) {
      Signer operator = chain.accounts().get(i + 1);
      TokenClient.connect(session.withSigner(chain.deployer())).transfer(operator.address(), tokens(10_000));
      Ed25519KeyPair key = Ed25519KeyPair.generate(RANDOM);
      ids[i] = NodeRegistryClient.connect(session.withSigner(operator)).register(key, "127.0.0.1:" + (7000 + i), 1000);
      StakingClient.connect(session.withSigner(operator)).delegate(ids[i], tokens(10_000));
    }
    StakingClient.connect(session.withSigner(chain.deployer())).advanceEpoch();
    return ids;
  }

  /** Lets one epoch pass (no new snapshot: the four nodes stay the active set) and returns the one that ended. */
  static long finishedEpoch() {
    chain.increaseTime(Duration.ofSeconds(chain.deployment().epochLength()));
    return StakingClient.connect(session).currentEpoch() - 1;
  }

  /** The checkpoint of {@code epoch} signed by the operators of the nodes at {@code indexes} (0..3). */
  static List<SignedCheckpoint> signedBy(long epoch, byte[] cut, byte[] root, int... indexes) {
    List<SignedCheckpoint> out = new ArrayList<>();
    for (int i : indexes) {
      out.add(typed.sign(chain.accounts().get(i + 1), nodes[i], epoch, cut, root));
    }
    return out;
  }

  static byte[] hash(int seed) {
    byte[] h = new byte[32];
    h[0] = (byte) seed;
    h[31] = (byte) (seed >> 8);
    return h;
  }

  static CheckpointsClient as(int account) {
    return CheckpointsClient.connect(session.withSigner(chain.accounts().get(account)));
  }

  @Test
  void theDigestComputedOffChainEqualsTheContractsDigest() {
    CheckpointsClient reader = CheckpointsClient.connect(session);

    for (long epoch : new long[] {0, 1, 12_345, Long.MAX_VALUE}) {
      assertThat(typed.digest(epoch, hash(1), hash(2))).isEqualTo(reader.digest(epoch, hash(1), hash(2)));
    }
    assertThat(typed.digest(3, hash(2), hash(1))).isEqualTo(reader.digest(3, hash(2), hash(1)));
  }

  @Test
  void threeOfFourEqualStakeSignersFinalizeTheEpochAndCheckpointReturnsIt() {
    long epoch = finishedEpoch();
    byte[] cut = hash(10);
    byte[] root = hash(11);
    // handed over out of order: the client sorts them by node id
    List<SignedCheckpoint> signatures = signedBy(epoch, cut, root, 3, 0, 2);

    FinalizedCheckpoint done = as(9).submit(epoch, cut, root, signatures);

    FinalizedCheckpoint expected = new FinalizedCheckpoint(epoch, cut, root, List.of(nodes[0], nodes[2], nodes[3]),
        tokens(30_000), tokens(40_000));
    assertThat(done).isEqualTo(expected);
    CheckpointsClient reader = CheckpointsClient.connect(session);
    assertThat(reader.checkpoint(epoch)).contains(expected);
    assertThat(reader.lastFinalizedEpoch().orElseThrow()).isGreaterThanOrEqualTo(epoch);
    assertThat(reader.checkpoint(epoch + 1_000)).isEmpty();
    assertThatThrownBy(() -> as(9).submit(epoch, cut, root, signatures))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("AlreadyFinalized"));
  }

  @Test
  void twoOfFourIsRefusedWithQuorumNotReached() {
    long epoch = finishedEpoch();

    assertThatThrownBy(() -> as(9).submit(epoch, hash(20), hash(21), signedBy(epoch, hash(20), hash(21), 1, 3)))
        .isInstanceOfSatisfying(ContractRevertException.class, e -> {
          assertThat(e.errorName()).isEqualTo("QuorumNotReached");
          assertThat(e.arguments()).containsExactly(tokens(20_000), tokens(40_000));
        });
    assertThat(CheckpointsClient.connect(session).checkpoint(epoch)).isEmpty();
  }

  @Test
  void signaturesOfAnotherCheckpointOrTwoOfOneNodeAreRefusedBeforeSending() {
    long epoch = finishedEpoch();
    List<SignedCheckpoint> mixed = new ArrayList<>(signedBy(epoch, hash(30), hash(31), 0, 1));
    mixed.addAll(signedBy(epoch, hash(30), hash(32), 2));
    List<SignedCheckpoint> twice = signedBy(epoch, hash(30), hash(31), 0, 1, 1);

    assertThatThrownBy(() -> as(9).submit(epoch, hash(30), hash(31), mixed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node " + nodes[2]);
    assertThatThrownBy(() -> as(9).submit(epoch, hash(30), hash(31), twice))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two signatures");
  }

  @Test
  void doubleSigningEvidenceSlashesTheNodeAndPaysTheReporter() {
    long epoch = finishedEpoch();
    SignedCheckpoint a = signedBy(epoch, hash(40), hash(41), 1).get(0);
    SignedCheckpoint b = signedBy(epoch, hash(40), hash(42), 1).get(0);
    String reporter = chain.accounts().get(10).address();
    BigInteger before = TokenClient.connect(session).balanceOf(reporter);
    CheckpointsClient reader = CheckpointsClient.connect(session);
    BigInteger stakeBefore = StakingClient.connect(session).totalStakeOf(nodes[1]);
    BigInteger expected = stakeBefore.multiply(BigInteger.valueOf(reader.slashBps())).divide(BigInteger.valueOf(10_000));

    BigInteger slashed = as(10).submitEvidence(a, b);

    assertThat(slashed).isEqualTo(expected).isPositive();
    assertThat(StakingClient.connect(session).totalStakeOf(nodes[1])).isEqualTo(stakeBefore.subtract(expected));
    assertThat(TokenClient.connect(session).balanceOf(reporter)).isEqualTo(before.add(slashed.divide(BigInteger.TEN)));
    assertThat(reader.isSlashed(epoch, nodes[1])).isTrue();
    SignedCheckpoint c = signedBy(epoch, hash(40), hash(43), 1).get(0);
    assertThatThrownBy(() -> as(10).submitEvidence(a, c))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("AlreadySlashed"));
    assertThatThrownBy(() -> as(10).submitEvidence(a, a)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkpointAndDoubleSignEventsAreDecoded() {
    long epoch = finishedEpoch();
    long from = session.blockNumber() + 1;
    as(9).submit(epoch, hash(50), hash(51), signedBy(epoch, hash(50), hash(51), 0, 1, 2, 3));
    as(11).submitEvidence(signedBy(epoch, hash(50), hash(51), 3).get(0), signedBy(epoch, hash(52), hash(53), 3).get(0));

    List<ChainEvent> events = ChainEvents.connect(session).fetch(from, session.blockNumber());

    assertThat(events).map(e -> e.getClass().getSimpleName())
        .containsExactly("CheckpointFinalized", "Slashed", "DoubleSignSlashed");
    CheckpointFinalized finalized = (CheckpointFinalized) events.get(0);
    assertThat(finalized.epoch()).isEqualTo(epoch);
    assertThat(finalized.root()).isEqualTo(hash(51));
    assertThat(finalized.cutHash()).isEqualTo(hash(50));
    assertThat(finalized.signers()).containsExactly(nodes[0], nodes[1], nodes[2], nodes[3]);
    assertThat(finalized.totalStake()).isEqualTo(finalized.signedStake());
    assertThat(finalized.source().contract()).isEqualTo(chain.deployment().checkpointsAddress().orElseThrow());
    assertThat(((Slashed) events.get(1)).nodeId()).isEqualTo(nodes[3]);
    DoubleSignSlashed evidence = (DoubleSignSlashed) events.get(2);
    assertThat(evidence.epoch()).isEqualTo(epoch);
    assertThat(evidence.nodeId()).isEqualTo(nodes[3]);
    assertThat(evidence.reporter()).isEqualTo(chain.accounts().get(11).address());
    assertThat(evidence.rootA()).isEqualTo(hash(51));
    assertThat(evidence.rootB()).isEqualTo(hash(53));
  }
}
