package org.xmtpj.chain.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.xmtpj.chain.token.TokenClient.tokens;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.events.ChainEvent.CandidateAdded;
import org.xmtpj.chain.events.ChainEvent.CommissionIncreaseScheduled;
import org.xmtpj.chain.events.ChainEvent.Delegated;
import org.xmtpj.chain.events.ChainEvent.EpochSnapshotted;
import org.xmtpj.chain.events.ChainEvent.IdentityRegistered;
import org.xmtpj.chain.events.ChainEvent.NodeDeregistered;
import org.xmtpj.chain.events.ChainEvent.NodeRegistered;
import org.xmtpj.chain.events.ChainEvent.NodeUpdated;
import org.xmtpj.chain.events.ChainEvent.RewardsClaimed;
import org.xmtpj.chain.events.ChainEvent.UnbondingStarted;
import org.xmtpj.chain.events.ChainEvent.Withdrawn;
import org.xmtpj.chain.identity.EvictionPolicy;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.identity.IdentityRegistryClient;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.ActiveNode;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.crypto.Secp256k1;

/**
 * One scenario touching every registry (a node's life, delegation, an epoch, rewards, unbonding, an identity),
 * run once; the tests read its events back by block range as an indexer would.
 */
class ChainEventsIT {
  static LocalChain chain;
  static ChainSession session;
  static long firstBlock;
  static long lastBlock;
  static long nodeId;
  static Ed25519KeyPair nodeKey;

  @BeforeAll
  static void runScenario() {
    chain = LocalChain.start();
    session = chain.connect();
    nodeKey = Ed25519KeyPair.generate(new SecureRandom());
    firstBlock = session.blockNumber() + 1;
    Signer operator = chain.accounts().get(1);
    Signer delegator = chain.accounts().get(2);
    TokenClient.connect(session.withSigner(chain.deployer())).transfer(operator.address(), tokens(10_000));
    TokenClient.connect(session.withSigner(chain.deployer())).transfer(delegator.address(), tokens(4_000));
    nodeId = NodeRegistryClient.connect(session.withSigner(operator)).register(nodeKey, "https://a.example", 100);
    StakingClient.connect(session.withSigner(operator)).delegate(nodeId, tokens(10_000));
    StakingClient.connect(session.withSigner(delegator)).delegate(nodeId, tokens(4_000));
    nextEpoch();
    nextEpoch();
    StakingClient.connect(session.withSigner(delegator)).claimRewards(nodeId);
    long unbonding = StakingClient.connect(session.withSigner(delegator)).undelegate(nodeId, tokens(1_000));
    chain.increaseTime(Duration.ofSeconds(121));
    StakingClient.connect(session.withSigner(delegator)).withdraw(unbonding);
    NodeRegistryClient.connect(session.withSigner(operator)).updateEndpoint(nodeId, "https://b.example");
    NodeRegistryClient.connect(session.withSigner(operator)).setCommission(nodeId, 200);
    IdentityRegistryClient.connect(session.withSigner(delegator)).register(IdentityConfig.open(
        Secp256k1.publicKeyUncompressed(Secp256k1.generatePrivateKey(new SecureRandom())),
        IdentityConfig.conventionalInviteTopic(delegator.address()), 30, EvictionPolicy.DROP_OLDEST));
    NodeRegistryClient.connect(session.withSigner(operator)).deregister(nodeId);
    lastBlock = session.blockNumber();
  }

  static void nextEpoch() {
    chain.increaseTime(Duration.ofSeconds(chain.deployment().epochLength()));
    StakingClient.connect(session.withSigner(chain.deployer())).advanceEpoch();
  }

  @AfterAll
  static void stop() {
    session.close();
    chain.close();
  }

  @Test
  void decodesTheScenariosRegistryStakingAndIdentityEventsInChainOrder() {
    List<ChainEvent> events = ChainEvents.connect(session).fetch(firstBlock, lastBlock);

    assertThat(events).map(e -> e.getClass().getSimpleName()).containsExactly(
        "NodeRegistered", "Delegated", "CandidateAdded", "Delegated", "EpochSnapshotted", "EpochSnapshotted",
        "RewardsClaimed", "UnbondingStarted", "Withdrawn", "NodeUpdated", "CommissionIncreaseScheduled",
        "IdentityRegistered", "NodeDeregistered");
    assertThat(events).isSortedAccordingTo(Comparator
        .comparingLong((ChainEvent e) -> e.source().blockNumber()).thenComparingLong(e -> e.source().logIndex()));
  }

  @Test
  void eventFieldsCarryWhatTheContractsEmitted() {
    List<ChainEvent> events = ChainEvents.connect(session).fetch(firstBlock, lastBlock);
    String operator = chain.accounts().get(1).address();
    String delegator = chain.accounts().get(2).address();

    NodeRegistered registered = (NodeRegistered) events.get(0);
    assertThat(registered.nodeId()).isEqualTo(nodeId);
    assertThat(registered.operator()).isEqualTo(operator);
    assertThat(registered.nodeKey()).isEqualTo(nodeKey.publicKey());
    assertThat(registered.endpoint()).isEqualTo("https://a.example");
    assertThat(registered.commissionBps()).isEqualTo(100);
    assertThat(registered.source().contract()).isEqualTo(chain.deployment().nodeRegistryAddress());
    assertThat((Delegated) events.get(1)).extracting(Delegated::delegator, Delegated::amount)
        .containsExactly(operator, tokens(10_000));
    assertThat(((CandidateAdded) events.get(2)).nodeId()).isEqualTo(nodeId);
    assertThat(((EpochSnapshotted) events.get(4)).nodes()).containsExactly(new ActiveNode(nodeId, tokens(14_000)));
    assertThat(((RewardsClaimed) events.get(6)).amount()).isPositive();
    UnbondingStarted unbonding = (UnbondingStarted) events.get(7);
    assertThat(unbonding.amount()).isEqualTo(tokens(1_000));
    assertThat(((Withdrawn) events.get(8)).unbondingId()).isEqualTo(unbonding.unbondingId());
    assertThat(((NodeUpdated) events.get(9)).endpoint()).isEqualTo("https://b.example");
    assertThat(((CommissionIncreaseScheduled) events.get(10)).commissionBps()).isEqualTo(200);
    assertThat(((IdentityRegistered) events.get(11)).wallet()).isEqualTo(delegator);
    assertThat(((NodeDeregistered) events.get(12)).operator()).isEqualTo(operator);
  }

  @Test
  void aSmallMaxBlockRangeSplitsTheQueryButReturnsTheSameEvents() {
    List<ChainEvent> whole = ChainEvents.connect(session).fetch(firstBlock, lastBlock);

    assertThat(ChainEvents.connect(session, 3).fetch(firstBlock, lastBlock)).isEqualTo(whole);
  }

  @Test
  void eventsRememberTheirBlockHashSoAnIndexerCanDetectReorgs() {
    ChainEvents reader = ChainEvents.connect(session);

    for (ChainEvent e : reader.fetch(firstBlock, lastBlock)) {
      assertThat(reader.blockHash(e.source().blockNumber())).contains(e.source().blockHash());
    }
    assertThat(reader.blockHash(reader.latestBlock() + 100)).isEmpty();
  }

  @Test
  void deploymentBlocksHoldOnlyEventsThatAreNotModelled() {
    // constructors emit role and governance-parameter events, which the reader skips
    assertThat(ChainEvents.connect(session)
        .fetch(chain.deployment().deployBlock(), chain.deployment().lastDeployBlock())).isEmpty();
  }
}
