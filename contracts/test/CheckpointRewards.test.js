"use strict";
// Staking's rewards gated by Checkpoints: each finished epoch is paid only to the nodes that signed its checkpoint.
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { mine, time } = require("@nomicfoundation/hardhat-network-helpers");
const { anyValue } = require("@nomicfoundation/hardhat-chai-matchers/withArgs");
const { deploySystem, PARAMETER, tokens, BPS, fund, registerAndStake, expectedReward, toEpoch, signCheckpoint, minedAt, loadFixture } =
  require("./helpers");

const CUT = ethers.id("cut");
const ROOT = ethers.id("root");
const ACC = 10n ** 18n;

describe("Staking rewards gated by Checkpoints", function () {
  // signers: 0 admin/governance, 1..4 operators of nodes 1..4 (10% commission), 7 delegator of node 1 (a signer),
  // 8 delegator of node 4 (the non-signer), 9 a late delegator, 10 the forwarder of the bound consensus. The consensus
  // is a ForwardingCheckpoints (contracts/test): d.checkpoints submits checkpoints as Checkpoints does, and
  // d.consensus (the same contract, connected to signer 10) calls rewardSigners directly with any signer list.
  async function setup(gate) {
    const forwarder = (await ethers.getSigners())[10];
    const d = await deploySystem({ maxActiveNodes: 10n, maxCandidates: 10n, gateRewardsByCheckpoints: gate }, { forwarder });
    d.ops = d.signers.slice(1, 5);
    [d.del, d.delOfNonSigner, d.late] = [d.signers[7], d.signers[8], d.signers[9]];
    for (let i = 0; i < 4; i++) await registerAndStake(d, d.ops[i], i + 1, tokens(100));
    await fund(d, d.del, tokens(100));
    await d.staking.connect(d.del).delegate(1n, tokens(100));
    await fund(d, d.delOfNonSigner, tokens(100));
    await d.staking.connect(d.delOfNonSigner).delegate(4n, tokens(100));
    await d.staking.advanceEpoch(); // epoch 0: node 1: 200, node 4: 200, nodes 2, 3: 100; total 600
    await toEpoch(d, 1n);
    await mine();
    return d;
  }
  const gated = () => setup(true);
  const ungated = () => setup(false);

  /** Submits epoch `epoch`'s checkpoint signed by the operators of `nodeIds` (ascending). */
  async function submit(d, epoch, nodeIds) {
    const sigs = [];
    for (const id of nodeIds) sigs.push(await signCheckpoint(d, d.ops[Number(id) - 1], epoch, CUT, ROOT));
    return d.checkpoints.submit(epoch, CUT, ROOT, nodeIds, sigs);
  }

  /**
   * Submits like `submit`, then lets the signature window close (unless the chain is already past it) and settles:
   * returns the transaction that paid the epoch (the settle, or the submission itself when it came too late for
   * more signatures or all members signed).
   */
  async function submitAndSettle(d, epoch, nodeIds) {
    const tx = await submit(d, epoch, nodeIds);
    await tx.wait();
    if (await d.staking.epochRewarded(epoch)) return tx;
    const deadline = await d.checkpoints.signatureDeadline(epoch);
    if ((await time.latest()) < Number(deadline)) await time.setNextBlockTimestamp(deadline);
    return d.checkpoints.settle(epoch);
  }

  /** What `_creditNode` credits a node of `stake` out of `total` with 10% commission. */
  function split(reward, stake, total) {
    const nodeReward = (reward * stake) / total;
    const commission = (nodeReward * 1_000n) / BPS;
    return { commission, rest: nodeReward - commission };
  }

  it("pays one epoch's inflation to the signers only; the non-signer's part is not issued", async function () {
    const d = await loadFixture(gated);
    const reward = await expectedReward(d, 1);
    const parts = [split(reward, tokens(200), tokens(600)), split(reward, tokens(100), tokens(600)), split(reward, tokens(100), tokens(600))];
    const credited = parts.reduce((a, p) => a + p.commission + p.rest, 0n);
    // paid when the signature window closes (node 4 could still have added its signature until then)
    await expect(submit(d, 0n, [1n, 2n, 3n])).to.not.emit(d.staking, "SignersRewarded");
    const tx = (async () => {
      await time.setNextBlockTimestamp(await d.checkpoints.signatureDeadline(0n));
      return d.checkpoints.settle(0n);
    })();
    await expect(tx).to.emit(d.staking, "SignersRewarded").withArgs(0n, 0n, 3n, credited);
    await expect(tx).to.emit(d.staking, "NodeRewarded").withArgs(1n, 0n, parts[0].commission, parts[0].rest);
    const rc = await (await tx).wait();
    const rewarded = rc.logs.map((l) => d.staking.interface.parseLog(l)).filter((e) => e && e.name === "NodeRewarded");
    expect(rewarded.map((e) => e.args.nodeId)).to.have.members([1n, 2n, 3n]);

    expect(await d.staking.rewardsCredited()).to.equal(credited);
    expect(credited).to.be.lessThan((reward * 4n) / 6n + 1n); // 2/3 of the stake signed: at most 2/3 of the inflation
    expect(await d.staking.epochRewarded(0n)).to.equal(true);
    expect((await d.staking.poolOf(1n)).commissionOwed).to.equal(parts[0].commission);
    expect((await d.staking.poolOf(4n)).commissionOwed).to.equal(0n);
    expect(await d.staking.pendingRewards(d.ops[3].address, 4n)).to.equal(0n);
    expect(await d.staking.pendingRewards(d.delOfNonSigner.address, 4n)).to.equal(0n);
    const acc = (parts[0].rest * ACC) / tokens(200);
    expect(await d.staking.pendingRewards(d.del.address, 1n)).to.equal((tokens(100) * acc) / ACC);
  });

  it("lets a signer's delegator claim that reward; the non-signer's delegator has nothing to claim", async function () {
    const d = await loadFixture(gated);
    await submitAndSettle(d, 0n, [1n, 2n, 3n]);
    const owed = await d.staking.pendingRewards(d.del.address, 1n);
    expect(owed).to.be.greaterThan(0n);
    await expect(d.staking.connect(d.del).claimRewards(1n)).to.emit(d.staking, "RewardsClaimed").withArgs(d.del.address, 1n, owed);
    expect(await d.token.balanceOf(d.del.address)).to.equal(owed);
    await expect(d.staking.connect(d.delOfNonSigner).claimRewards(4n)).to.be.revertedWithCustomError(d.staking, "NothingToClaim");
    await expect(d.staking.connect(d.ops[3]).claimCommission(4n)).to.be.revertedWithCustomError(d.staking, "NothingToClaim");
  });

  it("advanceEpoch credits nothing in gated mode", async function () {
    const d = await loadFixture(gated);
    await submit(d, 0n, [1n, 2n, 3n, 4n]);
    const credited = await d.staking.rewardsCredited();
    await expect(d.staking.advanceEpoch()).to.not.emit(d.staking, "RewardsDistributed");
    expect(await d.staking.rewardsCredited()).to.equal(credited);
  });

  it("ungated (the default): advanceEpoch pays every node as before and a checkpoint pays nothing more", async function () {
    const d = await loadFixture(ungated);
    expect(await d.staking.rewardable(0n)).to.equal(false);
    await expect(submit(d, 0n, [1n, 2n, 3n])).to.not.emit(d.staking, "SignersRewarded");
    expect(await d.staking.rewardsCredited()).to.equal(0n);
    const reward = await expectedReward(d, 1);
    await expect(d.staking.advanceEpoch()).to.emit(d.staking, "RewardsDistributed");
    const p = split(reward, tokens(200), tokens(600));
    expect((await d.staking.poolOf(4n)).commissionOwed).to.equal(p.commission); // the non-signer is paid too
    await expect(d.consensus.rewardSigners(0n, [1n]))
      .to.be.revertedWithCustomError(d.staking, "NotRewardable").withArgs(0n);
  });

  it("rewards an epoch at most once, only for CONSENSUS_ROLE, only once it is over", async function () {
    const d = await loadFixture(gated);
    await expect(d.staking.connect(d.signers[11]).rewardSigners(0n, [1n]))
      .to.be.revertedWithCustomError(d.staking, "AccessControlUnauthorizedAccount");
    await expect(d.consensus.rewardSigners(1n, [1n]))
      .to.be.revertedWithCustomError(d.staking, "NotRewardable").withArgs(1n);
    await submitAndSettle(d, 0n, [1n, 2n, 3n]);
    await expect(d.consensus.rewardSigners(0n, [4n]))
      .to.be.revertedWithCustomError(d.staking, "NotRewardable").withArgs(0n);
  });

  it("pays each listed node of the set once, ignoring duplicates and ids outside the set", async function () {
    const d = await loadFixture(gated);
    const reward = await expectedReward(d, 1);
    const p = split(reward, tokens(200), tokens(600));
    await expect(d.consensus.rewardSigners(0n, [1n, 1n, 7n, 99n]))
      .to.emit(d.staking, "SignersRewarded").withArgs(0n, 0n, 1n, p.commission + p.rest);
  });

  it("advanceEpoch waits up to half an epoch for the previous epoch's checkpoint", async function () {
    const d = await loadFixture(gated);
    const half = (await d.staking.epochStart(1n)) + (await d.staking.epochLength()) / 2n;
    await expect(d.staking.advanceEpoch()).to.be.revertedWithCustomError(d.staking, "CheckpointPending").withArgs(0n, half);
    // 3 of 4 signed: node 4 may still add its signature, so the wait goes on until half the epoch
    await submit(d, 0n, [1n, 2n, 3n]);
    await expect(d.staking.advanceEpoch()).to.be.revertedWithCustomError(d.staking, "CheckpointPending").withArgs(0n, half);
    expect(half).to.equal(await d.checkpoints.signatureDeadline(0n));
    await time.setNextBlockTimestamp(half);
    const tx = d.staking.advanceEpoch(); // pays the signers gathered by then, then snapshots
    await expect(tx).to.emit(d.staking, "SignersRewarded").withArgs(0n, 0n, 3n, anyValue);
    await expect(tx).to.emit(d.staking, "EpochSnapshotted");
  });

  it("advanceEpoch goes ahead at once when every member of the set signed (nothing more to gather)", async function () {
    const d = await loadFixture(gated);
    await expect(submit(d, 0n, [1n, 2n, 3n, 4n])).to.emit(d.staking, "SignersRewarded").withArgs(0n, 0n, 4n, anyValue);
    await expect(d.staking.advanceEpoch()).to.emit(d.staking, "EpochSnapshotted");
  });

  it("does not wait when the set in force is empty (nothing could sign it)", async function () {
    const d = await deploySystem({ gateRewardsByCheckpoints: true });
    await d.staking.advanceEpoch(); // no candidates: an empty set
    await toEpoch(d, 1n);
    await expect(d.staking.advanceEpoch()).to.emit(d.staking, "EpochSnapshotted");
  });

  it("after half an epoch without a checkpoint the snapshot goes ahead and that epoch is no longer paid", async function () {
    const d = await loadFixture(gated);
    await toEpoch(d, 1n, (await d.staking.epochLength()) / 2n);
    await expect(d.staking.advanceEpoch()).to.emit(d.staking, "EpochSnapshotted");
    expect(await d.staking.rewardable(0n)).to.equal(false);
    await expect(submit(d, 0n, [1n, 2n, 3n]))
      .to.emit(d.checkpoints, "CheckpointFinalized").and.to.not.emit(d.staking, "SignersRewarded");
    expect(await d.staking.rewardsCredited()).to.equal(0n);
  });

  it("a delegation made after the snapshot earns nothing of that epoch, and earns from the next one", async function () {
    const d = await gated(); // not a fixture: the delegation happens within epoch 0
    await toEpoch(d, 2n);
    await submit(d, 1n, [1n, 2n, 3n]); // epochs 0 and 1 both use the epoch-0 snapshot
    await fund(d, d.late, tokens(100));
    await d.staking.connect(d.late).delegate(1n, tokens(100)); // during epoch 2, after no new snapshot yet
    await submit(d, 0n, [1n, 2n, 3n]); // a late checkpoint for epoch 0: still payable (no snapshot since)
    expect(await d.staking.pendingRewards(d.late.address, 1n)).to.equal(0n);
    expect(await d.staking.pendingRewards(d.del.address, 1n)).to.be.greaterThan(0n);
    await toEpoch(d, 2n, (await d.staking.epochLength()) / 2n); // epoch 1's signature window closes
    await d.staking.advanceEpoch(); // pays epoch 1 (not the late stake), then the snapshot includes the late stake
    expect(await d.staking.pendingRewards(d.late.address, 1n)).to.equal(0n);
    await toEpoch(d, 3n);
    await submitAndSettle(d, 2n, [1n, 2n, 3n]);
    expect(await d.staking.pendingRewards(d.late.address, 1n)).to.be.greaterThan(0n);
  });

  it("pays each finished epoch under one snapshot once, at the supply of the moment", async function () {
    const d = await loadFixture(gated);
    // epochs 0 and 1 under the epoch-0 snapshot, finalized in epoch 2 (epoch 0 after its signature window: paid at
    // once; epoch 1 when its window closes). A later epoch under the same snapshot could not be finalized any more:
    // the snapshot's stake could have been withdrawn by then (finalizationDeadline).
    await toEpoch(d, 2n);
    await mine();
    let total = 0n;
    for (const e of [0n, 1n]) {
      const reward = await expectedReward(d, 1); // grows with the rewards credited so far
      const big = split(reward, tokens(200), tokens(600)); // nodes 1 and 4
      const small = split(reward, tokens(100), tokens(600)); // node 2
      const credited = 2n * (big.commission + big.rest) + small.commission + small.rest;
      await expect(submitAndSettle(d, e, [1n, 2n, 4n])).to.emit(d.staking, "SignersRewarded").withArgs(e, 0n, 3n, credited);
      total += credited;
    }
    expect(await d.staking.rewardsCredited()).to.equal(total);
  });

  it("binding: governance only, once, not zero, only the bound consensus, time-locked once stake exists; epochs already paid by advanceEpoch are not paid again", async function () {
    const d = await loadFixture(ungated);
    const C = await d.checkpoints.getAddress();
    await expect(d.staking.connect(d.signers[11]).bindCheckpoints(C))
      .to.be.revertedWithCustomError(d.staking, "AccessControlUnauthorizedAccount");
    await expect(d.staking.bindCheckpoints(ethers.ZeroAddress)).to.be.revertedWithCustomError(d.staking, "ZeroAddress");
    await expect(d.staking.bindCheckpoints(d.signers[11].address))
      .to.be.revertedWithCustomError(d.staking, "NotConsensus").withArgs(d.signers[11].address);
    await expect(d.staking.bindCheckpoints(C))
      .to.be.revertedWithCustomError(d.staking, "ChangeNotProposed").withArgs(PARAMETER.Checkpoints, BigInt(C));
    const eta = (await minedAt(d.staking.propose(PARAMETER.Checkpoints, C))) + (await d.staking.timelockDelay());
    await time.increaseTo(eta);
    const e = (await d.staking.currentEpoch()) + 1n;
    await toEpoch(d, e);
    await d.staking.advanceEpoch(); // epoch e: pays epochs 0..e-1 the ungated way
    await expect(d.staking.bindCheckpoints(C)).to.emit(d.staking, "CheckpointsBound").withArgs(C);
    await expect(d.staking.bindCheckpoints(d.signers[11].address))
      .to.be.revertedWithCustomError(d.staking, "CheckpointsAlreadyBound").withArgs(C);
    expect(await d.staking.rewardable(e - 1n)).to.equal(false);
    const credited = await d.staking.rewardsCredited();
    // epoch e - 1 ran under the epoch-0 snapshot, days old: it can no longer be finalized, let alone paid
    await expect(submit(d, e - 1n, [1n, 2n, 3n])).to.be.revertedWithCustomError(d.checkpoints, "FinalizationClosed");
    await toEpoch(d, e + 1n);
    await expect(d.staking.advanceEpoch()).to.be.revertedWithCustomError(d.staking, "CheckpointPending");
    await expect(submitAndSettle(d, e, [1n, 2n, 3n])).to.emit(d.staking, "SignersRewarded");
    expect(await d.staking.rewardsCredited()).to.be.greaterThan(credited);
  });
});
