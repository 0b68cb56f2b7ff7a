package org.xmtpj.cli;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.node.RegisteredNode;
import org.xmtpj.chain.staking.ActiveSet;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.staking.StakingSchedule;
import org.xmtpj.chain.staking.Unbonding;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.node.NodeKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code xmtpd register|stake|delegate|undelegate|withdraw|rewards|nodes}: what an operator or a token holder does
 * on chain, each a single transaction (or a read) with a sentence saying what happened and what comes next.
 */
final class OperatorCommands {
  private OperatorCommands() {}

  /** Shared plumbing: the options mixin, the output stream, the contracts. */
  abstract static class Base implements Callable<Integer> {
    @Mixin
    OperatorContext chain;

    @Spec
    CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() {
      try (ChainSession session = needsSigner() ? chain.signing() : chain.readOnly()) {
        run(session);
      } catch (org.xmtpj.chain.ContractRevertException e) {
        throw new IllegalStateException(RevertMessages.explain(e), e);
      }
      out().flush();
      return 0;
    }

    boolean needsSigner() {
      return true;
    }

    abstract void run(ChainSession session);

    long ownNodeId(ChainSession session) {
      return NodeRegistryClient.connect(session).nodeIdOfOperator(session.senderAddress()).orElseThrow(
          () -> new IllegalArgumentException(session.senderAddress() + " operates no registered node: run"
              + " xmtpd register first"));
    }

    void bond(ChainSession session, long id, BigInteger value, String verb) {
      StakingClient staking = StakingClient.connect(session);
      staking.delegate(id, value);
      out().printf("%s %s on node %d; its total stake is now %s%n", verb, OperatorContext.show(value), id,
          OperatorContext.show(staking.totalStakeOf(id)));
      out().printf("the active set is the top %s nodes by stake, recomputed at each epoch snapshot (next: %s)%n",
          session.deployment().numericParameter("maxActiveNodes").map(BigInteger::toString).orElse("N"),
          nextEpoch(staking));
    }

    String nextEpoch(StakingClient staking) {
      StakingSchedule s = staking.schedule();
      long next = s.genesisTime() + (staking.currentEpoch() + 1) * s.epochLength();
      return "epoch " + (staking.currentEpoch() + 1) + " at " + OperatorContext.time(next);
    }
  }

  @Command(name = "register", mixinStandardHelpOptions = true,
      description = "Register this node (its node key, its public replication endpoint) in NodeRegistry.")
  static final class Register extends Base {
    @Option(names = "--data-dir", defaultValue = ".xmtpd", description = "the node's data directory, which holds"
        + " its node key (default .xmtpd; created with a new key if missing)")
    Path dataDir;

    @Option(names = "--endpoint", required = true, paramLabel = "HOST:PORT",
        description = "where peers reach this node's replication port")
    String endpoint;

    @Option(names = "--commission", defaultValue = "10", paramLabel = "PERCENT",
        description = "commission on delegators' rewards, in percent (default 10)")
    double commissionPercent;

    @Override
    void run(ChainSession session) {
      org.xmtpj.node.replication.PeerInfo.parse(endpoint); // HOST:PORT, or a clear error before any transaction
      if (commissionPercent < 0 || commissionPercent > 100) {
        throw new IllegalArgumentException("--commission must be 0..100 percent, was " + commissionPercent);
      }
      Ed25519KeyPair nodeKey = NodeKey.loadOrCreate(dataDir);
      byte[] key = nodeKey.publicKey();
      int bps = (int) Math.round(commissionPercent * 100);
      // the node key signs the registration for this operator (NodeRegistry's proof of possession)
      long id = NodeRegistryClient.connect(session).register(nodeKey, endpoint, bps);
      BigInteger min = session.deployment().numericParameter("minSelfStake").orElse(BigInteger.ZERO);
      out().printf("registered node %d: key %s, endpoint %s, commission %.2f %%, operator %s%n", id,
          java.util.HexFormat.of().formatHex(key), endpoint, bps / 100.0, session.senderAddress());
      out().printf("next: self-stake at least %s (xmtpd stake AMOUNT); it can join the active set at the next"
          + " epoch snapshot%n", OperatorContext.show(min));
    }
  }

  @Command(name = "stake", mixinStandardHelpOptions = true,
      description = "Self-stake tokens on the node this key operates.")
  static final class Stake extends Base {
    @Parameters(paramLabel = "AMOUNT", description = "tokens, e.g. 10000 or 2.5")
    String amount;

    @Override
    void run(ChainSession session) {
      long id = ownNodeId(session);
      bond(session, id, OperatorContext.tokens(amount), "self-staked");
    }

  }

  @Command(name = "delegate", mixinStandardHelpOptions = true, description = "Delegate tokens to a node.")
  static final class Delegate extends Base {
    @Parameters(index = "0", paramLabel = "NODE_ID")
    long nodeId;

    @Parameters(index = "1", paramLabel = "AMOUNT", description = "tokens, e.g. 5000")
    String amount;

    @Override
    void run(ChainSession session) {
      bond(session, nodeId, OperatorContext.tokens(amount), "delegated");
    }
  }

  @Command(name = "undelegate", mixinStandardHelpOptions = true,
      description = "Start unbonding tokens from a node (withdraw them after the unbonding period).")
  static final class Undelegate extends Base {
    @Parameters(index = "0", paramLabel = "NODE_ID")
    long nodeId;

    @Parameters(index = "1", paramLabel = "AMOUNT", description = "tokens, e.g. 5000")
    String amount;

    @Override
    void run(ChainSession session) {
      StakingClient staking = StakingClient.connect(session);
      long id = staking.undelegate(nodeId, OperatorContext.tokens(amount));
      Unbonding u = staking.unbonding(id).orElseThrow();
      out().printf("unbonding #%d: %s from node %d, withdrawable from %s (xmtpd withdraw %d)%n", id,
          OperatorContext.show(u.amount()), nodeId, OperatorContext.time(u.releaseTime()), id);
      out().printf("your remaining stake in node %d: %s%n", nodeId,
          OperatorContext.show(staking.stakeOf(session.senderAddress(), nodeId)));
    }
  }

  @Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Withdraw a matured unbonding.")
  static final class Withdraw extends Base {
    @Parameters(paramLabel = "UNBONDING_ID")
    long unbondingId;

    @Override
    void run(ChainSession session) {
      BigInteger paid = StakingClient.connect(session).withdraw(unbondingId);
      out().printf("withdrew %s (unbonding #%d) to %s%n", OperatorContext.show(paid), unbondingId,
          session.senderAddress());
    }
  }

  @Command(name = "rewards", mixinStandardHelpOptions = true,
      description = "Show (and with --claim, mint) the rewards of this key's stakes, and its node's commission.")
  static final class Rewards extends Base {
    @Option(names = "--claim", description = "claim them")
    boolean claim;

    @Override
    void run(ChainSession session) {
      StakingClient staking = StakingClient.connect(session);
      NodeRegistryClient registry = NodeRegistryClient.connect(session);
      String me = session.senderAddress();
      BigInteger total = BigInteger.ZERO;
      for (RegisteredNode n : registry.nodes()) {
        BigInteger stake = staking.stakeOf(me, n.id());
        BigInteger pending = staking.pendingRewards(me, n.id());
        if (stake.signum() == 0 && pending.signum() == 0) {
          continue;
        }
        BigInteger got = claim && pending.signum() > 0 ? staking.claimRewards(n.id()) : pending;
        total = total.add(got);
        out().printf("node %d: stake %s, rewards %s%s%n", n.id(), OperatorContext.show(stake),
            OperatorContext.show(got), claim && got.signum() > 0 ? " (claimed)" : "");
      }
      registry.nodeIdOfOperator(me).ifPresent(id -> commission(staking, id));
      out().printf("%s %s for %s%n", claim ? "claimed" : "claimable", OperatorContext.show(total), me);
    }

    private void commission(StakingClient staking, long nodeId) {
      if (!claim) {
        out().printf("node %d is yours: claim its commission with --claim%n", nodeId);
        return;
      }
      try {
        out().printf("node %d commission: %s (claimed)%n", nodeId,
            OperatorContext.show(staking.claimCommission(nodeId)));
      } catch (org.xmtpj.chain.ContractRevertException e) {
        out().printf("node %d commission: nothing to claim (%s)%n", nodeId, e.errorName());
      }
    }
  }

  @Command(name = "nodes", mixinStandardHelpOptions = true,
      description = "List the registered nodes, their stake and the current active set.")
  static final class Nodes extends Base {
    @Override
    boolean needsSigner() {
      return false;
    }

    @Override
    void run(ChainSession session) {
      StakingClient staking = StakingClient.connect(session);
      ActiveSet active = staking.currentActiveSet().orElse(null);
      List<RegisteredNode> nodes = NodeRegistryClient.connect(session).nodes();
      out().printf("%-4s %-7s %-24s %-11s %-26s %s%n", "id", "active", "endpoint", "commission", "total stake",
          "operator");
      for (RegisteredNode n : nodes) {
        out().printf("%-4d %-7s %-24s %-11s %-26s %s%n", n.id(),
            !n.registered() ? "gone" : active != null && active.contains(n.id()) ? "yes" : "no", n.endpoint(),
            String.format("%.2f %%", n.commissionBps() / 100.0), OperatorContext.show(staking.totalStakeOf(n.id())),
            n.operator());
      }
      out().printf("epoch %d; active set %s (snapshot of epoch %s); next: %s%n", staking.currentEpoch(),
          active == null ? "[]" : active.nodeIds(), active == null ? "-" : active.snapshotEpoch(),
          nextEpoch(staking));
    }
  }
}
