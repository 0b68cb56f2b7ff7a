package org.xmtpj.chain.events;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.datatypes.Event;
import org.web3j.protocol.core.methods.response.Log;
import org.xmtpj.chain.contracts.Checkpoints;
import org.xmtpj.chain.contracts.IdentityRegistry;
import org.xmtpj.chain.contracts.NodeRegistry;
import org.xmtpj.chain.contracts.Staking;
import org.xmtpj.chain.events.ChainEvent.CandidateAdded;
import org.xmtpj.chain.events.ChainEvent.CandidateRemoved;
import org.xmtpj.chain.events.ChainEvent.CheckpointFinalized;
import org.xmtpj.chain.events.ChainEvent.CheckpointsBound;
import org.xmtpj.chain.events.ChainEvent.CommissionClaimed;
import org.xmtpj.chain.events.ChainEvent.CommissionIncreaseScheduled;
import org.xmtpj.chain.events.ChainEvent.Delegated;
import org.xmtpj.chain.events.ChainEvent.DoubleSignSlashed;
import org.xmtpj.chain.events.ChainEvent.EpochSnapshotted;
import org.xmtpj.chain.events.ChainEvent.IdentityRegistered;
import org.xmtpj.chain.events.ChainEvent.IdentityRevoked;
import org.xmtpj.chain.events.ChainEvent.IdentityUpdated;
import org.xmtpj.chain.events.ChainEvent.NodeDeregistered;
import org.xmtpj.chain.events.ChainEvent.NodeRegistered;
import org.xmtpj.chain.events.ChainEvent.NodeUpdated;
import org.xmtpj.chain.events.ChainEvent.RewardsClaimed;
import org.xmtpj.chain.events.ChainEvent.SignersRewarded;
import org.xmtpj.chain.events.ChainEvent.Slashed;
import org.xmtpj.chain.events.ChainEvent.UnbondingStarted;
import org.xmtpj.chain.events.ChainEvent.Withdrawn;
import org.xmtpj.chain.identity.EvictionPolicy;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.identity.PublishPolicy;
import org.xmtpj.chain.staking.ActiveNode;
import org.xmtpj.crypto.Ethereum;

/**
 * Decodes raw logs into {@link ChainEvent}s by their first topic (the event signature hash), using the generated
 * wrappers' {@code get…EventFromLog} for the ABI work. Logs of events we do not model decode to empty.
 */
final class LogDecoder {
  private final Map<String, BiFunction<Log, EventSource, ChainEvent>> decoders = new HashMap<>();

  LogDecoder() {
    registryEvents();
    stakingEvents();
    identityEvents();
    checkpointEvents();
  }

  Optional<ChainEvent> decode(Log log) {
    if (log.getTopics() == null || log.getTopics().isEmpty()) {
      return Optional.empty();
    }
    var decoder = decoders.get(log.getTopics().get(0).toLowerCase(Locale.ROOT));
    if (decoder == null) {
      return Optional.empty();
    }
    EventSource source = new EventSource(addr(log.getAddress()), log.getBlockNumber().longValueExact(),
        log.getBlockHash(), log.getTransactionHash(), log.getLogIndex().longValueExact());
    return Optional.of(decoder.apply(log, source));
  }

  private void registryEvents() {
    on(NodeRegistry.NODEREGISTERED_EVENT, (log, s) -> {
      var e = NodeRegistry.getNodeRegisteredEventFromLog(log);
      return new NodeRegistered(s, num(e.nodeId), addr(e.operator), e.nodeKey, e.endpoint, small(e.commissionBps));
    });
    on(NodeRegistry.NODEUPDATED_EVENT, (log, s) -> {
      var e = NodeRegistry.getNodeUpdatedEventFromLog(log);
      return new NodeUpdated(s, num(e.nodeId), e.endpoint, small(e.commissionBps));
    });
    on(NodeRegistry.COMMISSIONINCREASESCHEDULED_EVENT, (log, s) -> {
      var e = NodeRegistry.getCommissionIncreaseScheduledEventFromLog(log);
      return new CommissionIncreaseScheduled(s, num(e.nodeId), small(e.commissionBps), num(e.effectiveAt));
    });
    on(NodeRegistry.NODEDEREGISTERED_EVENT, (log, s) -> {
      var e = NodeRegistry.getNodeDeregisteredEventFromLog(log);
      return new NodeDeregistered(s, num(e.nodeId), addr(e.operator));
    });
  }

  private void stakingEvents() {
    on(Staking.DELEGATED_EVENT, (log, s) -> {
      var e = Staking.getDelegatedEventFromLog(log);
      return new Delegated(s, addr(e.delegator), num(e.nodeId), e.amount, e.shares);
    });
    on(Staking.UNBONDINGSTARTED_EVENT, (log, s) -> {
      var e = Staking.getUnbondingStartedEventFromLog(log);
      return new UnbondingStarted(s, addr(e.delegator), num(e.nodeId), num(e.unbondingId), e.amount,
          num(e.releaseTime));
    });
    on(Staking.WITHDRAWN_EVENT, (log, s) -> {
      var e = Staking.getWithdrawnEventFromLog(log);
      return new Withdrawn(s, addr(e.delegator), num(e.nodeId), num(e.unbondingId), e.amount);
    });
    on(Staking.REWARDSCLAIMED_EVENT, (log, s) -> {
      var e = Staking.getRewardsClaimedEventFromLog(log);
      return new RewardsClaimed(s, addr(e.delegator), num(e.nodeId), e.amount);
    });
    on(Staking.COMMISSIONCLAIMED_EVENT, (log, s) -> {
      var e = Staking.getCommissionClaimedEventFromLog(log);
      return new CommissionClaimed(s, num(e.nodeId), addr(e.operator), e.amount);
    });
    on(Staking.SLASHED_EVENT, (log, s) -> {
      var e = Staking.getSlashedEventFromLog(log);
      return new Slashed(s, num(e.nodeId), small(e.bps), e.bondedAmount, e.unbondingAmount, e.burned,
          addr(e.reporter), e.reporterReward);
    });
    on(Staking.EPOCHSNAPSHOTTED_EVENT, (log, s) -> {
      var e = Staking.getEpochSnapshottedEventFromLog(log);
      List<ActiveNode> nodes = new ArrayList<>(e.nodeIds.size());
      for (int i = 0; i < e.nodeIds.size(); i++) {
        nodes.add(new ActiveNode(num(e.nodeIds.get(i)), e.stakes.get(i)));
      }
      return new EpochSnapshotted(s, num(e.epoch), nodes, e.totalStake);
    });
    on(Staking.CANDIDATEADDED_EVENT,
        (log, s) -> new CandidateAdded(s, num(Staking.getCandidateAddedEventFromLog(log).nodeId)));
    on(Staking.CANDIDATEREMOVED_EVENT,
        (log, s) -> new CandidateRemoved(s, num(Staking.getCandidateRemovedEventFromLog(log).nodeId)));
    on(Staking.CHECKPOINTSBOUND_EVENT,
        (log, s) -> new CheckpointsBound(s, addr(Staking.getCheckpointsBoundEventFromLog(log).checkpoints)));
    on(Staking.SIGNERSREWARDED_EVENT, (log, s) -> {
      var e = Staking.getSignersRewardedEventFromLog(log);
      return new SignersRewarded(s, num(e.epoch), num(e.snapshotEpoch), small(e.signers), e.amount);
    });
  }

  private void checkpointEvents() {
    on(Checkpoints.CHECKPOINTFINALIZED_EVENT, (log, s) -> {
      var e = Checkpoints.getCheckpointFinalizedEventFromLog(log);
      return new CheckpointFinalized(s, num(e.epoch), e.root, e.cutHash,
          e.signers.stream().map(LogDecoder::num).toList(), e.signedStake, e.totalStake);
    });
    on(Checkpoints.DOUBLESIGNSLASHED_EVENT, (log, s) -> {
      var e = Checkpoints.getDoubleSignSlashedEventFromLog(log);
      return new DoubleSignSlashed(s, num(e.epoch), num(e.nodeId), addr(e.reporter), e.rootA, e.rootB);
    });
  }

  private void identityEvents() {
    on(IdentityRegistry.IDENTITYREGISTERED_EVENT, (log, s) -> {
      var e = IdentityRegistry.getIdentityRegisteredEventFromLog(log);
      return new IdentityRegistered(s, addr(e.wallet), config(e.identityKey, e.inviteTopic, e.publishPolicy, e.fee,
          e.credentialIssuerKey, e.retentionDays, e.evictionPolicy), e.nonce);
    });
    on(IdentityRegistry.IDENTITYUPDATED_EVENT, (log, s) -> {
      var e = IdentityRegistry.getIdentityUpdatedEventFromLog(log);
      return new IdentityUpdated(s, addr(e.wallet), config(e.identityKey, e.inviteTopic, e.publishPolicy, e.fee,
          e.credentialIssuerKey, e.retentionDays, e.evictionPolicy), e.nonce);
    });
    on(IdentityRegistry.IDENTITYREVOKED_EVENT, (log, s) -> {
      var e = IdentityRegistry.getIdentityRevokedEventFromLog(log);
      return new IdentityRevoked(s, addr(e.wallet), e.inviteTopic, e.nonce);
    });
  }

  private void on(Event event, BiFunction<Log, EventSource, ChainEvent> decoder) {
    decoders.put(EventEncoder.encode(event).toLowerCase(Locale.ROOT), decoder);
  }

  private static IdentityConfig config(byte[] identityKey, String topic, BigInteger policy, BigInteger fee,
      byte[] issuerKey, BigInteger retentionDays, BigInteger eviction) {
    return new IdentityConfig(identityKey, topic, PublishPolicy.ofCode(policy.intValueExact()), fee, issuerKey,
        retentionDays.intValueExact(), EvictionPolicy.ofCode(eviction.intValueExact()));
  }

  private static long num(BigInteger v) {
    return v.longValueExact();
  }

  private static int small(BigInteger v) {
    return v.intValueExact();
  }

  private static String addr(String address) {
    return Ethereum.checksum(address);
  }
}
