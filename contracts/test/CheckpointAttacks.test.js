"use strict";
// Issue 13, finding 9: one test per attack on Checkpoints, each named after the attack. Each failed against the
// Checkpoints of main (da09de4) before the fix; see docs/contracts.md, "Checkpoints", for the rules they pin down.
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { mine, time } = require("@nomicfoundation/hardhat-network-helpers");
const { deploySystem, tokens, BPS, fund, registerAndStake, toEpoch, signCheckpoint, minedAt, loadFixture } =
  require("./helpers");

const CUT = ethers.id("cut-1");
const ROOT = ethers.id("root-1");
const OTHER_CUT = ethers.id("cut-2");
const OTHER_ROOT = ethers.id("root-2");

describe("Checkpoints attacks (issue 13, finding 9)", function () {
  // signers: 0 admin/governance, 1..4 operators of nodes 1..4, 7 a delegator, 10 a reporter, 11 anyone
  async function network(gated) {
    const d = await deploySystem({ maxActiveNodes: 10n, maxCandidates: 10n, gateRewardsByCheckpoints: gated });
    d.ops = d.signers.slice(1, 5);
    d.delegator = d.signers[7];
    d.reporter = d.signers[10];
    d.anyone = d.signers[11];
    for (let i = 0; i < 4; i++) await registerAndStake(d, d.ops[i], i + 1, tokens(100));
    await d.staking.advanceEpoch(); // the set of epoch 0: nodes 1..4, 100 tokens each
    await toEpoch(d, 1n);
    await mine();
    return d;
  }
  const ungated = () => network(false);
  const gated = () => network(true);

  async function signed(d, opIndexes, epoch = 0n, cut = CUT, root = ROOT) {
    const sorted = [...opIndexes].sort((a, b) => a - b);
    const sigs = [];
    for (const i of sorted) sigs.push(await signCheckpoint(d, d.ops[i], epoch, cut, root));
    return { ids: sorted.map((i) => BigInt(i + 1)), sigs };
  }

  async function doubleSign(d, opIndex, epoch) {
    return [
      await signCheckpoint(d, d.ops[opIndex], epoch, CUT, ROOT),
      await signCheckpoint(d, d.ops[opIndex], epoch, OTHER_CUT, OTHER_ROOT),
    ];
  }

  const evidence = (d, from, epoch, nodeId, [a, b]) =>
    d.checkpoints.connect(from).submitEvidence(epoch, nodeId, CUT, ROOT, a, OTHER_CUT, OTHER_ROOT, b);

  it("minimal-subset submission steals the honest signers' reward: every signature added before the deadline is paid", async function () {
    const d = await loadFixture(gated);
    // The attacker submits the smallest 2/3 (nodes 1..3) although node 4 signed the same checkpoint.
    const three = await signed(d, [0, 1, 2]);
    await expect(d.checkpoints.connect(d.anyone).submit(0n, CUT, ROOT, three.ids, three.sigs))
      .to.emit(d.checkpoints, "CheckpointFinalized")
      .and.not.to.emit(d.staking, "SignersRewarded"); // nobody is paid before the signature window closes
    // Node 4 adds its own signature after the submission, before the deadline.
    const four = await signed(d, [3]);
    await expect(d.checkpoints.connect(d.ops[3]).addSignatures(0n, four.ids, four.sigs))
      .to.emit(d.checkpoints, "SignaturesAdded").withArgs(0n, [4n], tokens(400));
    expect([...(await d.checkpoints.signers(0n))]).to.deep.equal([1n, 2n, 3n, 4n]);
    // All four signed: nothing more can be gathered, so that call already paid everyone.
    expect(await d.staking.epochRewarded(0n)).to.equal(true);
    for (const id of [1n, 2n, 3n, 4n]) expect((await d.staking.poolOf(id)).commissionOwed).to.be.greaterThan(0n);
  });

  it("minimal-subset submission followed by an immediate advanceEpoch cannot close the signature window early", async function () {
    const d = await loadFixture(gated);
    const three = await signed(d, [0, 1, 2]);
    await d.checkpoints.connect(d.anyone).submit(0n, CUT, ROOT, three.ids, three.sigs);
    const deadline = (await d.staking.epochStart(1n)) + (await d.staking.epochLength()) / 2n;
    // The attacker's advanceEpoch right after its submission: refused until the deadline.
    await expect(d.staking.connect(d.anyone).advanceEpoch())
      .to.be.revertedWithCustomError(d.staking, "CheckpointPending").withArgs(0n, deadline);
    const four = await signed(d, [3]);
    await time.setNextBlockTimestamp(deadline - 1n);
    expect(await minedAt(d.checkpoints.connect(d.ops[3]).addSignatures(0n, four.ids, four.sigs))).to.equal(deadline - 1n);
    for (const id of [1n, 2n, 3n, 4n]) expect((await d.staking.poolOf(id)).commissionOwed).to.be.greaterThan(0n);
  });

  it("a signature added at the deadline is too late; advanceEpoch then pays the signers gathered before it", async function () {
    const d = await loadFixture(gated);
    const three = await signed(d, [0, 1, 2]);
    await d.checkpoints.submit(0n, CUT, ROOT, three.ids, three.sigs);
    const deadline = (await d.staking.epochStart(1n)) + (await d.staking.epochLength()) / 2n;
    expect(await d.checkpoints.signatureDeadline(0n)).to.equal(deadline);
    const four = await signed(d, [3]);
    await time.setNextBlockTimestamp(deadline);
    await expect(d.checkpoints.connect(d.ops[3]).addSignatures(0n, four.ids, four.sigs))
      .to.be.revertedWithCustomError(d.checkpoints, "SignatureWindowClosed").withArgs(0n, deadline);
    const tx = d.staking.advanceEpoch();
    await expect(tx).to.emit(d.staking, "SignersRewarded").withArgs(0n, 0n, 3n, anyAmount());
    await expect(tx).to.emit(d.staking, "EpochSnapshotted");
    expect((await d.staking.poolOf(4n)).commissionOwed).to.equal(0n);
  });

  it("stale evidence: a double signature older than the unbonding period can no longer slash (EvidenceExpired)", async function () {
    const d = await loadFixture(ungated);
    const deadline = (await d.staking.epochStart(1n)) + (await d.staking.unbondingPeriod());
    const two = await doubleSign(d, 1, 0n);
    const three = await doubleSign(d, 2, 0n);
    await time.setNextBlockTimestamp(deadline - 1n);
    const inWindow = evidence(d, d.reporter, 0n, 2n, two);
    await expect(inWindow).to.emit(d.staking, "Slashed");
    expect(await minedAt(inWindow)).to.equal(deadline - 1n);
    await time.setNextBlockTimestamp(deadline);
    await expect(evidence(d, d.reporter, 0n, 3n, three)).to.be.reverted;
    await expect(evidence(d, d.reporter, 0n, 3n, three))
      .to.be.revertedWithCustomError(d.checkpoints, "EvidenceExpired").withArgs(0n, deadline);
    expect((await d.staking.poolOf(3n)).bondedStake).to.equal(tokens(100));
    expect(await d.checkpoints.evidenceDeadline(0n)).to.equal(deadline);
  });

  it("late delegator pays for an old offence: a slash never exceeds slashBps of the stake bonded at the offence", async function () {
    const d = await loadFixture(ungated);
    // Epoch 1: a delegator bonds 900 tokens to node 2 after its operator double-signed epoch 0 (100 tokens at stake).
    await fund(d, d.delegator, tokens(900));
    await d.staking.connect(d.delegator).delegate(2n, tokens(900));
    const bps = await d.checkpoints.slashBps();
    const cap = (tokens(100) * bps) / BPS; // 5 tokens
    const rc = await (await evidence(d, d.reporter, 0n, 2n, await doubleSign(d, 1, 0n))).wait();
    const slashed = rc.logs.map((l) => d.staking.interface.parseLog(l)).find((e) => e && e.name === "Slashed");
    const total = slashed.args.bondedAmount + slashed.args.unbondingAmount;
    expect(total).to.be.greaterThan(0n);
    expect(total).to.be.at.most(cap);
    // The delegator's share of the loss is at most its share of the (capped) slash: 90% of 5 tokens, not 45.
    expect(tokens(900) - (await d.staking.stakeOf(d.delegator.address, 2n))).to.be.at.most((cap * 9n) / 10n + 1n);
  });

  it("self-report: the offender's operator reporting its own double signature recovers no reporter share", async function () {
    const d = await loadFixture(ungated);
    const before = await d.token.balanceOf(d.ops[1].address);
    const supply = await d.token.totalSupply();
    const tx = evidence(d, d.ops[1], 0n, 2n, await doubleSign(d, 1, 0n));
    const slashed = (tokens(100) * 500n) / BPS;
    await expect(tx).to.emit(d.staking, "Slashed").withArgs(2n, 500n, slashed, 0n, slashed, ethers.ZeroAddress, 0n);
    await expect(tx).to.emit(d.checkpoints, "DoubleSignSlashed").withArgs(0n, 2n, d.ops[1].address, ROOT, OTHER_ROOT);
    expect(await d.token.balanceOf(d.ops[1].address)).to.equal(before);
    expect(await d.token.totalSupply()).to.equal(supply - slashed); // all of it burned
  });

  it("self-report: a delegator of the offending node reporting it recovers no reporter share", async function () {
    const d = await loadFixture(ungated);
    await fund(d, d.delegator, tokens(10));
    await d.staking.connect(d.delegator).delegate(2n, tokens(10));
    await expect(evidence(d, d.delegator, 0n, 2n, await doubleSign(d, 1, 0n)))
      .to.emit(d.staking, "Slashed").withArgs(2n, anyAmount(), anyAmount(), 0n, anyAmount(), ethers.ZeroAddress, 0n);
    expect(await d.token.balanceOf(d.delegator.address)).to.equal(0n);
  });

  it("withdrawn validators finalize an arbitrary root for an old unfinalized epoch: refused after the finalization window", async function () {
    const d = await loadFixture(ungated);
    // Every operator leaves during epoch 1 and withdraws everything.
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const rc = await (await d.staking.connect(d.ops[i]).undelegate(BigInt(i + 1), tokens(100))).wait();
      ids.push(rc.logs.map((l) => d.staking.interface.parseLog(l)).find((e) => e && e.name === "UnbondingStarted").args.unbondingId);
    }
    await time.increase(await d.staking.unbondingPeriod());
    for (let i = 0; i < 4; i++) await d.staking.connect(d.ops[i]).withdraw(ids[i]);
    expect(await d.staking.totalBonded()).to.equal(0n);
    expect(await d.staking.totalUnbonding()).to.equal(0n);
    const forged = await signed(d, [0, 1, 2, 3], 0n, CUT, ethers.id("forged"));
    await expect(d.checkpoints.submit(0n, CUT, ethers.id("forged"), forged.ids, forged.sigs)).to.be.reverted;
    expect((await d.checkpoints.checkpoint(0n)).finalized).to.equal(false);
    const deadline = await d.checkpoints.finalizationDeadline(0n);
    expect(await time.latest()).to.be.at.least(Number(deadline));
    await expect(d.checkpoints.submit(0n, CUT, ethers.id("forged"), forged.ids, forged.sigs))
      .to.be.revertedWithCustomError(d.checkpoints, "FinalizationClosed").withArgs(0n, deadline);
  });

  it("withdrawn validators of a stale snapshot finalize a recent epoch: refused once the snapshot's stake could be withdrawn", async function () {
    const d = await loadFixture(ungated);
    const ids = [];
    for (let i = 0; i < 4; i++) {
      const rc = await (await d.staking.connect(d.ops[i]).undelegate(BigInt(i + 1), tokens(100))).wait();
      ids.push(rc.logs.map((l) => d.staking.interface.parseLog(l)).find((e) => e && e.name === "UnbondingStarted").args.unbondingId);
    }
    await time.increase(await d.staking.unbondingPeriod());
    for (let i = 0; i < 4; i++) await d.staking.connect(d.ops[i]).withdraw(ids[i]);
    // Nobody advanced: the epoch-0 set is still "in force" for the epoch that just ended.
    const epoch = (await d.staking.currentEpoch()) - 1n;
    expect((await d.staking.activeSetInfo(epoch)).snapshotEpoch).to.equal(0n);
    const forged = await signed(d, [0, 1, 2, 3], epoch, CUT, ethers.id("forged"));
    await expect(d.checkpoints.submit(epoch, CUT, ethers.id("forged"), forged.ids, forged.sigs)).to.be.reverted;
    await expect(d.checkpoints.submit(epoch, CUT, ethers.id("forged"), forged.ids, forged.sigs))
      .to.be.revertedWithCustomError(d.checkpoints, "FinalizationClosed");
  });

  it("a checkpoint is accepted up to one second before its finalization deadline, and records when it was finalized", async function () {
    const d = await loadFixture(ungated);
    const deadline = (await d.staking.epochStart(1n)) + (await d.staking.unbondingPeriod()) / 2n;
    const all = await signed(d, [0, 1, 2, 3]);
    await time.setNextBlockTimestamp(deadline - 1n);
    const tx = d.checkpoints.submit(0n, CUT, ROOT, all.ids, all.sigs);
    const at = await minedAt(tx);
    expect(at).to.equal(deadline - 1n);
    expect(await d.checkpoints.finalizationDeadline(0n)).to.equal(deadline);
    expect(await d.checkpoints.finalizedAt(0n)).to.equal(at);
    expect(await d.checkpoints.finalizedAt(1n)).to.equal(0n);
  });

  it("governance raises the slash share at once: setSlashBps needs a matured proposal within a bounded step", async function () {
    const d = await loadFixture(ungated);
    await expect(d.checkpoints.setSlashBps(5_000)).to.be.reverted;
    await expect(d.checkpoints.setSlashBps(5_000))
      .to.be.revertedWithCustomError(d.checkpoints, "ChangeNotProposed").withArgs(5_000n);
    expect(await d.checkpoints.slashBps()).to.equal(500n);
    await expect(d.checkpoints.proposeSlashBps(5_000))
      .to.be.revertedWithCustomError(d.checkpoints, "StepTooLarge").withArgs(500n, 5_000n);
    await expect(d.checkpoints.connect(d.anyone).proposeSlashBps(1_000))
      .to.be.revertedWithCustomError(d.checkpoints, "AccessControlUnauthorizedAccount");
    const proposed = d.checkpoints.proposeSlashBps(1_000);
    const eta = (await minedAt(proposed)) + (await d.staking.timelockDelay());
    await expect(proposed).to.emit(d.checkpoints, "SlashBpsProposed").withArgs(1_000n, eta);
    expect(await d.checkpoints.slashProposal()).to.deep.equal([1_000n, eta]);
    await time.setNextBlockTimestamp(eta - 1n);
    await expect(d.checkpoints.setSlashBps(1_000))
      .to.be.revertedWithCustomError(d.checkpoints, "ChangeNotReady").withArgs(eta);
    await expect(d.checkpoints.setSlashBps(1_000)).to.emit(d.checkpoints, "SlashBpsSet").withArgs(1_000n);
    expect(await d.checkpoints.slashBps()).to.equal(1_000n);
    await expect(d.checkpoints.setSlashBps(1_000))
      .to.be.revertedWithCustomError(d.checkpoints, "ChangeNotProposed").withArgs(1_000n); // consumed
  });

  it("a slash-share proposal expires after the execution window and can be cancelled", async function () {
    const d = await loadFixture(ungated);
    const proposed = d.checkpoints.proposeSlashBps(900);
    const eta = (await minedAt(proposed)) + (await d.staking.timelockDelay());
    const window = await d.staking.EXECUTION_WINDOW();
    await time.setNextBlockTimestamp(eta + window + 1n);
    await expect(d.checkpoints.setSlashBps(900))
      .to.be.revertedWithCustomError(d.checkpoints, "ChangeExpired").withArgs(eta);
    await expect(d.checkpoints.cancelSlashBps()).to.emit(d.checkpoints, "SlashBpsCancelled").withArgs(900n);
    await expect(d.checkpoints.cancelSlashBps()).to.be.revertedWithCustomError(d.checkpoints, "NothingProposed");
  });
});

/** chai-matchers' anyValue predicate, for amounts that other tests check to the wei. */
function anyAmount() {
  return require("@nomicfoundation/hardhat-chai-matchers/withArgs").anyValue;
}
