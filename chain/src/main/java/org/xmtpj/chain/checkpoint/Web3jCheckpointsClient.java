package org.xmtpj.chain.checkpoint;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple5;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.contracts.Checkpoints;
import org.xmtpj.chain.contracts.Staking;

/** {@link CheckpointsClient} over the generated web3j wrapper. */
final class Web3jCheckpointsClient implements CheckpointsClient {
  private final ChainSession session;
  private final String address;
  private final Checkpoints contract;

  Web3jCheckpointsClient(ChainSession session) {
    Deployment d = session.deployment();
    this.session = session;
    this.address = d.checkpointsAddress().orElseThrow(() -> new IllegalArgumentException(
        "the deployment of chain " + d.chainId() + " has no " + Deployment.CHECKPOINTS + " contract"));
    this.contract = session.contract(address, Checkpoints::load);
  }

  @Override
  public FinalizedCheckpoint submit(long epoch, byte[] cutHash, byte[] root, List<SignedCheckpoint> signatures) {
    List<SignedCheckpoint> sorted = new ArrayList<>(signatures);
    sorted.sort(Comparator.comparingLong(SignedCheckpoint::nodeId));
    Set<Long> seen = new HashSet<>();
    List<BigInteger> ids = new ArrayList<>(sorted.size());
    List<byte[]> sigs = new ArrayList<>(sorted.size());
    for (SignedCheckpoint s : sorted) {
      if (s.epoch() != epoch || !Arrays.equals(s.cutHash(), cutHash) || !Arrays.equals(s.root(), root)) {
        throw new IllegalArgumentException("node " + s.nodeId() + " signed another checkpoint than epoch " + epoch
            + " with the given cut and root");
      }
      if (!seen.add(s.nodeId())) {
        throw new IllegalArgumentException("two signatures of node " + s.nodeId());
      }
      ids.add(BigInteger.valueOf(s.nodeId()));
      sigs.add(s.signature());
    }
    TransactionReceipt r = session.send("Checkpoints.submit", address,
        contract.submit(BigInteger.valueOf(epoch), cutHash, root, ids, sigs));
    List<Checkpoints.CheckpointFinalizedEventResponse> events = Checkpoints.getCheckpointFinalizedEvents(r);
    if (events.isEmpty()) {
      throw new ChainException("no CheckpointFinalized event in transaction " + r.getTransactionHash());
    }
    Checkpoints.CheckpointFinalizedEventResponse e = events.get(0);
    return new FinalizedCheckpoint(e.epoch.longValueExact(), e.cutHash, e.root,
        e.signers.stream().map(BigInteger::longValueExact).toList(), e.signedStake, e.totalStake);
  }

  @Override
  public BigInteger submitEvidence(SignedCheckpoint first, SignedCheckpoint second) {
    if (first.nodeId() != second.nodeId() || first.epoch() != second.epoch()) {
      throw new IllegalArgumentException("evidence needs two signatures of one node for one epoch, got node "
          + first.nodeId() + " epoch " + first.epoch() + " and node " + second.nodeId() + " epoch " + second.epoch());
    }
    if (Arrays.equals(first.root(), second.root())) {
      throw new IllegalArgumentException("the two checkpoints sign the same root: no equivocation");
    }
    TransactionReceipt r = session.send("Checkpoints.submitEvidence", address, contract.submitEvidence(
        BigInteger.valueOf(first.epoch()), BigInteger.valueOf(first.nodeId()), first.cutHash(), first.root(),
        first.signature(), second.cutHash(), second.root(), second.signature()));
    List<Staking.SlashedEventResponse> slashed = Staking.getSlashedEvents(r);
    if (slashed.isEmpty()) {
      throw new ChainException("no Slashed event in transaction " + r.getTransactionHash());
    }
    return slashed.get(0).bondedAmount.add(slashed.get(0).unbondingAmount);
  }

  @Override
  public Optional<FinalizedCheckpoint> checkpoint(long epoch) {
    BigInteger e = BigInteger.valueOf(epoch);
    Tuple5<Boolean, byte[], byte[], BigInteger, BigInteger> c =
        session.query("Checkpoints.checkpoint", () -> contract.checkpoint(e).send());
    if (!c.component1()) {
      return Optional.empty();
    }
    List<?> signers = session.query("Checkpoints.signers", () -> contract.signers(e).send());
    return Optional.of(new FinalizedCheckpoint(epoch, c.component3(), c.component2(),
        signers.stream().map(id -> ((BigInteger) id).longValueExact()).toList(), c.component4(), c.component5()));
  }

  @Override
  public OptionalLong lastFinalizedEpoch() {
    try {
      return OptionalLong.of(session.query("Checkpoints.lastFinalizedEpoch",
          () -> contract.lastFinalizedEpoch().send()).longValueExact());
    } catch (ContractRevertException e) {
      if ("NothingFinalized".equals(e.errorName())) {
        return OptionalLong.empty();
      }
      throw e;
    }
  }

  @Override
  public boolean isSlashed(long epoch, long nodeId) {
    return session.query("Checkpoints.isSlashed",
        () -> contract.isSlashed(BigInteger.valueOf(epoch), BigInteger.valueOf(nodeId)).send());
  }

  @Override
  public byte[] digest(long epoch, byte[] cutHash, byte[] root) {
    return session.query("Checkpoints.checkpointDigest",
        () -> contract.checkpointDigest(BigInteger.valueOf(epoch), cutHash, root).send());
  }

  @Override
  public int slashBps() {
    return session.query("Checkpoints.slashBps", () -> contract.slashBps().send()).intValueExact();
  }

  @Override
  public List<Long> addSignatures(long epoch, List<SignedCheckpoint> signatures) {
    List<SignedCheckpoint> sorted = new ArrayList<>(signatures);
    sorted.sort(Comparator.comparingLong(SignedCheckpoint::nodeId));
    Set<Long> seen = new HashSet<>();
    List<BigInteger> ids = new ArrayList<>(sorted.size());
    List<byte[]> sigs = new ArrayList<>(sorted.size());
    for (SignedCheckpoint s : sorted) {
      if (s.epoch() != epoch) {
        throw new IllegalArgumentException("node " + s.nodeId() + " signed epoch " + s.epoch() + ", not " + epoch);
      }
      if (!seen.add(s.nodeId())) {
        throw new IllegalArgumentException("two signatures of node " + s.nodeId());
      }
      ids.add(BigInteger.valueOf(s.nodeId()));
      sigs.add(s.signature());
    }
    TransactionReceipt r = session.send("Checkpoints.addSignatures", address,
        contract.addSignatures(BigInteger.valueOf(epoch), ids, sigs));
    List<Checkpoints.SignaturesAddedEventResponse> events = Checkpoints.getSignaturesAddedEvents(r);
    if (events.isEmpty()) {
      throw new ChainException("no SignaturesAdded event in transaction " + r.getTransactionHash());
    }
    return events.get(0).nodeIds.stream().map(BigInteger::longValueExact).toList();
  }

  @Override
  public boolean settle(long epoch) {
    TransactionReceipt r = session.send("Checkpoints.settle", address, contract.settle(BigInteger.valueOf(epoch)));
    return !Staking.getSignersRewardedEvents(r).isEmpty();
  }

  @Override
  public long signatureDeadline(long epoch) {
    return session.query("Checkpoints.signatureDeadline",
        () -> contract.signatureDeadline(BigInteger.valueOf(epoch)).send()).longValueExact();
  }

  @Override
  public long finalizationDeadline(long epoch) {
    return session.query("Checkpoints.finalizationDeadline",
        () -> contract.finalizationDeadline(BigInteger.valueOf(epoch)).send()).longValueExact();
  }

  @Override
  public OptionalLong finalizedAt(long epoch) {
    long at = session.query("Checkpoints.finalizedAt",
        () -> contract.finalizedAt(BigInteger.valueOf(epoch)).send()).longValueExact();
    return at == 0 ? OptionalLong.empty() : OptionalLong.of(at);
  }
}
