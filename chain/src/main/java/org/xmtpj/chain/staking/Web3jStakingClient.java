package org.xmtpj.chain.staking;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple3;
import org.web3j.tuples.generated.Tuple4;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.contracts.Staking;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Ethereum;

/** {@link StakingClient} over the generated web3j wrapper. */
final class Web3jStakingClient implements StakingClient {
  private static final String ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

  private final ChainSession session;
  private final String address;
  private final Staking contract;
  private final TokenClient token;
  private volatile StakingSchedule schedule;

  Web3jStakingClient(ChainSession session) {
    this.session = session;
    this.address = session.deployment().stakingAddress();
    this.contract = session.contract(address, Staking::load);
    this.token = TokenClient.connect(session);
  }

  @Override
  public TxReceipt delegate(long nodeId, BigInteger amount) {
    if (token.allowance(session.senderAddress(), address).compareTo(amount) < 0) {
      token.approve(address, amount);
    }
    return TxReceipt.of(session.send("Staking.delegate", address, contract.delegate(big(nodeId), amount)));
  }

  @Override
  public long undelegate(long nodeId, BigInteger amount) {
    TransactionReceipt r = session.send("Staking.undelegate", address, contract.undelegate(big(nodeId), amount));
    return single(r, "UnbondingStarted", Staking::getUnbondingStartedEvents).unbondingId.longValueExact();
  }

  @Override
  public BigInteger withdraw(long unbondingId) {
    TransactionReceipt r = session.send("Staking.withdraw", address, contract.withdraw(big(unbondingId)));
    return single(r, "Withdrawn", Staking::getWithdrawnEvents).amount;
  }

  @Override
  public BigInteger claimRewards(long nodeId) {
    TransactionReceipt r = session.send("Staking.claimRewards", address, contract.claimRewards(big(nodeId)));
    return single(r, "RewardsClaimed", Staking::getRewardsClaimedEvents).amount;
  }

  @Override
  public BigInteger claimCommission(long nodeId) {
    TransactionReceipt r = session.send("Staking.claimCommission", address, contract.claimCommission(big(nodeId)));
    return single(r, "CommissionClaimed", Staking::getCommissionClaimedEvents).amount;
  }

  @Override
  public ActiveSet advanceEpoch() {
    TransactionReceipt r = session.send("Staking.advanceEpoch", address, contract.advanceEpoch());
    Staking.EpochSnapshottedEventResponse e = single(r, "EpochSnapshotted", Staking::getEpochSnapshottedEvents);
    long epoch = e.epoch.longValueExact();
    return new ActiveSet(epoch, epoch, members(e.nodeIds, e.stakes), e.totalStake);
  }

  @Override
  public long currentEpoch() {
    return session.query("Staking.currentEpoch", () -> contract.currentEpoch().send()).longValueExact();
  }

  @Override
  public Optional<ActiveSet> activeSet(long epoch) {
    try {
      Tuple3<List<BigInteger>, List<BigInteger>, BigInteger> set =
          session.query("Staking.activeSet", () -> contract.activeSet(big(epoch)).send());
      Tuple3<BigInteger, BigInteger, BigInteger> info =
          session.query("Staking.activeSetInfo", () -> contract.activeSetInfo(big(epoch)).send());
      return Optional.of(new ActiveSet(epoch, info.component3().longValueExact(),
          members(set.component1(), set.component2()), set.component3()));
    } catch (ContractRevertException e) {
      if ("NoSnapshot".equals(e.errorName())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<ActiveSet> currentActiveSet() {
    return activeSet(currentEpoch());
  }

  @Override
  public BigInteger stakeOf(String delegator, long nodeId) {
    return session.query("Staking.stakeOf", () -> contract.stakeOf(delegator, big(nodeId)).send());
  }

  @Override
  public BigInteger selfStakeOf(long nodeId) {
    return session.query("Staking.selfStakeOf", () -> contract.selfStakeOf(big(nodeId)).send());
  }

  @Override
  public BigInteger totalStakeOf(long nodeId) {
    return session.query("Staking.poolOf", () -> contract.poolOf(big(nodeId)).send()).component1();
  }

  @Override
  public BigInteger pendingRewards(String delegator, long nodeId) {
    return session.query("Staking.pendingRewards", () -> contract.pendingRewards(delegator, big(nodeId)).send());
  }

  @Override
  public Optional<Unbonding> unbonding(long unbondingId) {
    Tuple4<String, BigInteger, BigInteger, BigInteger> u =
        session.query("Staking.unbondingOf", () -> contract.unbondingOf(big(unbondingId)).send());
    // a withdrawn or unknown id reads as the zero owner
    if (u.component1().equalsIgnoreCase(ZERO_ADDRESS)) {
      return Optional.empty();
    }
    return Optional.of(new Unbonding(unbondingId, Ethereum.checksum(u.component1()), u.component2().longValueExact(),
        u.component3().longValueExact(), u.component4()));
  }

  @Override
  public List<Long> candidates() {
    List<?> ids = session.query("Staking.candidates", () -> contract.candidates().send());
    return ids.stream().map(id -> ((BigInteger) id).longValueExact()).toList();
  }

  @Override
  public StakingSchedule schedule() {
    StakingSchedule s = schedule;
    if (s == null) {
      s = new StakingSchedule(
          session.query("Staking.genesisTime", () -> contract.genesisTime().send()).longValueExact(),
          session.query("Staking.epochLength", () -> contract.epochLength().send()).longValueExact(),
          session.query("Staking.unbondingPeriod", () -> contract.unbondingPeriod().send()).longValueExact());
      schedule = s;
    }
    return s;
  }

  private static List<ActiveNode> members(List<BigInteger> ids, List<BigInteger> stakes) {
    List<ActiveNode> out = new ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      out.add(new ActiveNode(ids.get(i).longValueExact(), stakes.get(i)));
    }
    return out;
  }

  /** The one event of a kind that a successful call must have emitted. */
  private static <E> E single(TransactionReceipt r, String name, Function<TransactionReceipt, List<E>> extract) {
    List<E> events = extract.apply(r);
    if (events.isEmpty()) {
      throw new ChainException("no " + name + " event in transaction " + r.getTransactionHash());
    }
    return events.get(0);
  }

  private static BigInteger big(long v) {
    return BigInteger.valueOf(v);
  }
}
