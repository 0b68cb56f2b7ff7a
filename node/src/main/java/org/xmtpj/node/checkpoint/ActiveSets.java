package org.xmtpj.node.checkpoint;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.xmtpj.chain.staking.ActiveSet;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.staking.StakingSchedule;

/**
 * Epochs' active sets as Consensus sees them, cached only once Staking can no longer change them.
 *
 * <p>Why a set can change: {@code Staking.activeSet(e)} is the latest snapshot taken at an epoch ≤ e, and
 * {@code advanceEpoch()} snapshots only the chain's current epoch, at most once per epoch
 * ({@code EpochAlreadySnapshotted}). Asked about an epoch that has not begun, or has begun without a snapshot, the
 * contract answers with an older snapshot, which a snapshot taken later at an epoch ≤ e replaces. The rule: the
 * answer for e is <b>final</b> when
 * <ul>
 *   <li>the snapshot in force was taken at e itself ({@code snapshotEpoch == e}): e gets no second snapshot and
 *       every later one is taken at an epoch &gt; e; or
 *   <li>{@code currentEpoch() > e}, read <em>before</em> the set: chain time only moves forward, so no snapshot at an
 *       epoch ≤ e can be taken after that read. This is also when {@code Checkpoints.submit} starts accepting e
 *       ({@code EpochNotOver}), so the contract weighs the signatures against this same set.
 * </ul>
 * A provisional answer is never cached and the chain is asked again at most once per {@link #RECHECK_MS} per epoch.
 * Not covered: a reorg that drops the snapshot transaction itself (Consensus trusts its RPC's latest block
 * throughout).
 */
final class ActiveSets {
  static final long RECHECK_MS = 1_000;

  /** The set in force for an epoch (null: no snapshot at or before it), and whether it can still change. */
  record Answer(ActiveSet set, boolean isFinal) {}

  private final StakingClient staking;
  private final Clock clock;
  private final Map<Long, Answer> finals = new HashMap<>();
  private final Map<Long, Answer> provisional = new HashMap<>();
  private final Map<Long, Long> askedAt = new HashMap<>();
  private long chainEpoch = -1; // a lower bound of Staking.currentEpoch(): chain time never goes back
  private StakingSchedule schedule;

  ActiveSets(StakingClient staking, Clock clock) {
    this.staking = staking;
    this.clock = clock;
  }

  /** The final set of {@code epoch} when there is one, else the chain's provisional answer (never cached). */
  Answer lookup(long epoch) {
    Answer a = finals.get(epoch);
    if (a != null) {
      return a;
    }
    Long asked = askedAt.get(epoch);
    if (asked != null && clock.millis() < asked + RECHECK_MS) {
      return provisional.get(epoch);
    }
    if (chainEpoch <= epoch) {
      chainEpoch = Math.max(chainEpoch, staking.currentEpoch()); // before the set: see the class comment
    }
    ActiveSet set = staking.activeSet(epoch).orElse(null);
    a = new Answer(set, chainEpoch > epoch || (set != null && set.snapshotEpoch() == epoch));
    if (a.isFinal()) {
      finals.put(epoch, a);
      provisional.remove(epoch);
      askedAt.remove(epoch);
    } else {
      provisional.put(epoch, a);
      askedAt.put(epoch, clock.millis());
    }
    return a;
  }

  /** The set of {@code epoch} if it is final, else null. */
  ActiveSet finalSet(long epoch) {
    Answer a = lookup(epoch);
    return a.isFinal() ? a.set() : null;
  }

  /** The epoch of this node's clock on Staking's schedule (read from the chain once: it is immutable). */
  long localEpoch() {
    if (schedule == null) {
      schedule = staking.schedule();
    }
    return schedule.epochAt(clock.millis() / 1000);
  }

  /**
   * The newest epoch a signature can honestly name: one past the current one, whichever of this node's clock and
   * the chain's runs ahead (a signer's clock may lead by less than an epoch). Computed without asking the chain.
   */
  long newestPlausible() {
    return Math.max(localEpoch(), chainEpoch) + 1;
  }

  void prune(long horizon) {
    finals.keySet().removeIf(e -> e < horizon);
    provisional.keySet().removeIf(e -> e < horizon);
    askedAt.keySet().removeIf(e -> e < horizon);
  }
}
