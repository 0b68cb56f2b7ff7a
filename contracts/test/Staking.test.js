"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { time } = require("@nomicfoundation/hardhat-network-helpers");
const { deploySystem, PARAMETER, governed, tokens, TEST_PARAMS, BPS, fund, registerAndStake, expectedReward, toEpoch, nodeKey, registerNode, minedAt, lastBlockTime, loadFixture } =
  require("./helpers");

/** What a position of `shares` earns when `rest` is spread over `rewardShares`, rounded like the contract. */
const earned = (rest, shares, rewardShares) => (shares * ((rest * 10n ** 18n) / rewardShares)) / 10n ** 18n;

describe("Staking", function () {
  // signers: 0 admin/governance, 1..6 operators, 7..9 delegators, 10 forwarder of the test consensus, 11 reporter.
  // d.consensus is the bound consensus contract (contracts/test/ForwardingCheckpoints.sol) connected to signer 10: it
  // forwards slash and rewardSigners to Staking without evidence, so that the slashing arithmetic is tested directly.
  async function base() {
    const d = await deploySystem({}, { forwarder: (await ethers.getSigners())[10] });
    const s = d.signers;
    d.ops = s.slice(1, 7);
    d.dels = s.slice(7, 10);
    d.reporter = s[11];
    return d;
  }

  /** Four candidates: node 1: 400, node 2: 300, node 3: 200, node 4: 200 (tie with 3, loses on id). */
  async function withNodes() {
    const d = await base();
    const stakes = [400, 300, 200, 200];
    d.ids = [];
    for (let i = 0; i < 4; i++) d.ids.push(await registerAndStake(d, d.ops[i], i + 1, tokens(stakes[i])));
    return d;
  }

  /** withNodes plus a first snapshot at epoch 0. */
  async function snapshotted() {
    const d = await withNodes();
    await d.staking.advanceEpoch();
    return d;
  }

  describe("constructor", function () {
    it("stores every parameter and grants admin + governance to the admin", async function () {
      const d = await loadFixture(base);
      const admin = d.signers[0].address;
      expect(await d.staking.token()).to.equal(await d.token.getAddress());
      expect(await d.staking.registry()).to.equal(await d.registry.getAddress());
      expect(await d.staking.epochLength()).to.equal(TEST_PARAMS.epochLength);
      expect(await d.staking.unbondingPeriod()).to.equal(TEST_PARAMS.unbondingPeriod);
      expect(await d.staking.maxActiveNodes()).to.equal(TEST_PARAMS.maxActiveNodes);
      expect(await d.staking.inflationRateBps()).to.equal(TEST_PARAMS.inflationRateBps);
      expect(await d.staking.minSelfStake()).to.equal(TEST_PARAMS.minSelfStake);
      expect(await d.staking.reporterRewardBps()).to.equal(TEST_PARAMS.reporterRewardBps);
      expect(await d.staking.maxCandidates()).to.equal(TEST_PARAMS.maxCandidates);
      expect(await d.staking.genesisTime()).to.be.greaterThan(0n);
      expect(await d.staking.hasRole(await d.staking.DEFAULT_ADMIN_ROLE(), admin)).to.equal(true);
      expect(await d.staking.hasRole(await d.staking.GOVERNANCE_ROLE(), admin)).to.equal(true);
      expect(await d.staking.currentEpoch()).to.equal(0n);
    });

    async function deployWith(over) {
      const d = await loadFixture(base);
      const F = await ethers.getContractFactory("Staking");
      const p = {
        genesisTime: 0,
        epochLength: 100,
        unbondingPeriod: 300,
        maxActiveNodes: 3,
        inflationRateBps: 100,
        minSelfStake: 1,
        reporterRewardBps: 0,
        maxCandidates: 0,
        ...(over.params || {}),
      };
      const args = [
        over.token ?? (await d.token.getAddress()),
        over.registry ?? (await d.registry.getAddress()),
        over.admin ?? d.signers[0].address,
        p,
      ];
      return { F, tx: F.deploy(...args) };
    }

    it("accepts a genesis time in the past and maxCandidates 0 as the ceiling", async function () {
      await loadFixture(base); // the chain deployWith deploys on (not the previous test's), so `past` is its past
      const past = (await lastBlockTime()) - 1000n;
      const { tx } = await deployWith({ params: { genesisTime: past } });
      const st = await tx;
      const deployTx = st.deploymentTransaction();
      const deployedAt = await minedAt(deployTx);
      expect(await st.genesisTime()).to.equal(past);
      expect(await st.maxCandidates()).to.equal(200n);
      expect(deployedAt - past).to.equal(1001n); // the fixture pins the next block one second after its last
      expect(await st.currentEpoch({ blockTag: (await deployTx.wait()).blockNumber })).to.equal(10n);
    });

    for (const [name, over] of [
      ["a zero token", { token: ethers.ZeroAddress }],
      ["a zero registry", { registry: ethers.ZeroAddress }],
      ["a zero admin", { admin: ethers.ZeroAddress }],
    ]) {
      it(`reverts on ${name}`, async function () {
        const { F, tx } = await deployWith(over);
        await expect(tx).to.be.revertedWithCustomError(F, "ZeroAddress");
      });
    }

    for (const [name, params] of [
      ["a zero epoch length", { epochLength: 0 }],
      ["a genesis time in the future", { genesisTime: 4_000_000_000 }],
      ["maxCandidates above 200", { maxCandidates: 201 }],
      ["maxActiveNodes 0", { maxActiveNodes: 0 }],
      ["maxActiveNodes above 100", { maxActiveNodes: 101 }],
      ["an inflation rate above 20%", { inflationRateBps: 2001 }],
      ["a zero minimum self-stake", { minSelfStake: 0 }],
      ["a reporter reward above 10%", { reporterRewardBps: 1_001 }],
    ]) {
      it(`reverts on ${name}`, async function () {
        const { F, tx } = await deployWith({ params });
        await expect(tx).to.be.revertedWithCustomError(F, "InvalidParameter");
      });
    }
  });

  describe("delegate", function () {
    it("self-stake: moves tokens, mints shares 1:1, makes the node a candidate", async function () {
      const d = await loadFixture(base);
      const op = d.ops[0];
      await registerNode(d.registry, op, 1, "e", 0);
      await fund(d, op, tokens(150));
      const tx = d.staking.connect(op).delegate(1, tokens(150));
      await expect(tx).to.emit(d.staking, "Delegated").withArgs(op.address, 1, tokens(150), tokens(150));
      await expect(tx).to.emit(d.staking, "CandidateAdded").withArgs(1);
      await expect(tx).to.changeTokenBalances(d.token, [op, d.staking], [-tokens(150), tokens(150)]);
      expect(await d.staking.stakeOf(op.address, 1)).to.equal(tokens(150));
      expect(await d.staking.selfStakeOf(1)).to.equal(tokens(150));
      expect(await d.staking.totalBonded()).to.equal(tokens(150));
      expect(await d.staking.isCandidate(1)).to.equal(true);
      expect(await d.staking.candidates()).to.deep.equal([1n]);
      const pool = await d.staking.poolOf(1);
      expect(pool.bondedStake).to.equal(tokens(150));
      expect(pool.bondedShares).to.equal(tokens(150));
      const pos = await d.staking.positionOf(op.address, 1);
      expect(pos.pendingShares).to.equal(tokens(150));
      expect(pos.earningShares).to.equal(0n);
    });

    it("a delegation does not make a node without enough self-stake a candidate; topping up does", async function () {
      const d = await loadFixture(base);
      const [op] = d.ops;
      const [del] = d.dels;
      await registerAndStake(d, op, 1, tokens(50));
      expect(await d.staking.isCandidate(1)).to.equal(false);
      await fund(d, del, tokens(1000));
      await expect(d.staking.connect(del).delegate(1, tokens(1000))).to.not.emit(d.staking, "CandidateAdded");
      await fund(d, op, tokens(50));
      await expect(d.staking.connect(op).delegate(1, tokens(50))).to.emit(d.staking, "CandidateAdded").withArgs(1);
      expect(await d.staking.selfStakeOf(1)).to.equal(tokens(100));
      expect(await d.staking.stakeOf(del.address, 1)).to.equal(tokens(1000));
    });

    it("does not add a fifth candidate to a full list (claimCandidacy does)", async function () {
      const d = await loadFixture(withNodes);
      await registerNode(d.registry, d.ops[4], 5, "e", 0);
      await fund(d, d.ops[4], tokens(100));
      await expect(d.staking.connect(d.ops[4]).delegate(5, tokens(100))).to.not.emit(d.staking, "CandidateAdded");
      expect(await d.staking.isCandidate(5)).to.equal(false);
    });

    it("reverts on a zero amount, an unregistered node and a missing allowance", async function () {
      const d = await loadFixture(withNodes);
      const [del] = d.dels;
      await expect(d.staking.connect(del).delegate(1, 0)).to.be.revertedWithCustomError(d.staking, "ZeroAmount");
      await expect(d.staking.connect(del).delegate(99, 1)).to.be.revertedWithCustomError(d.staking, "NodeNotRegistered").withArgs(99);
      await d.registry.connect(d.ops[0]).deregister(1);
      await expect(d.staking.connect(del).delegate(1, 1)).to.be.revertedWithCustomError(d.staking, "NodeNotRegistered").withArgs(1);
      await expect(d.staking.connect(del).delegate(2, 1)).to.be.revertedWithCustomError(d.token, "ERC20InsufficientAllowance");
    });
  });

  describe("undelegate and withdraw", function () {
    it("starts an unbonding entry, which pays out after the period", async function () {
      const d = await loadFixture(withNodes);
      const [del] = d.dels;
      await fund(d, del, tokens(100));
      await d.staking.connect(del).delegate(2, tokens(100));
      const tx = await d.staking.connect(del).undelegate(2, tokens(40));
      const release = (await minedAt(tx)) + TEST_PARAMS.unbondingPeriod;
      await expect(tx).to.emit(d.staking, "UnbondingStarted").withArgs(del.address, 2, 1, tokens(40), release);
      expect(await d.staking.stakeOf(del.address, 2)).to.equal(tokens(60));
      expect(await d.staking.totalUnbonding()).to.equal(tokens(40));
      expect(await d.staking.unbondingCount()).to.equal(1n);
      const u = await d.staking.unbondingOf(1);
      expect([u.owner, u.nodeId, u.releaseTime, u.amount]).to.deep.equal([del.address, 2n, release, tokens(40)]);

      await expect(d.staking.connect(del).withdraw(1))
        .to.be.revertedWithCustomError(d.staking, "UnbondingNotMatured")
        .withArgs(1, release);
      await time.increaseTo(release);
      const w = d.staking.connect(del).withdraw(1);
      await expect(w).to.emit(d.staking, "Withdrawn").withArgs(del.address, 2, 1, tokens(40));
      await expect(w).to.changeTokenBalances(d.token, [del, d.staking], [tokens(40), -tokens(40)]);
      expect(await d.staking.totalUnbonding()).to.equal(0n);
      expect((await d.staking.unbondingOf(1)).owner).to.equal(ethers.ZeroAddress);
    });

    it("leaving completely: amount == stakeOf burns every share", async function () {
      const d = await loadFixture(withNodes);
      const [del] = d.dels;
      await fund(d, del, tokens(7));
      await d.staking.connect(del).delegate(3, tokens(7));
      await d.staking.connect(del).undelegate(3, await d.staking.stakeOf(del.address, 3));
      const pos = await d.staking.positionOf(del.address, 3);
      expect(pos.earningShares + pos.pendingShares).to.equal(0n);
      expect((await d.staking.poolOf(3)).bondedStake).to.equal(tokens(200));
    });

    it("takes pending (not yet earning) shares first", async function () {
      const d = await loadFixture(snapshotted);
      const [del] = d.dels;
      await fund(d, del, tokens(100));
      await d.staking.connect(del).delegate(2, tokens(60)); // earning after snapshot 0? no: bonded after it
      await toEpoch(d, 1n);
      await d.staking.advanceEpoch();
      await d.staking.connect(del).delegate(2, tokens(40)); // pending again
      await d.staking.connect(del).undelegate(2, tokens(30));
      const pos = await d.staking.positionOf(del.address, 2);
      expect(pos.earningShares).to.equal(tokens(60));
      expect(pos.pendingShares).to.equal(tokens(10));
    });

    it("an operator dropping below the minimum leaves the candidate list", async function () {
      const d = await loadFixture(withNodes);
      await expect(d.staking.connect(d.ops[2]).undelegate(3, tokens(101))).to.emit(d.staking, "CandidateRemoved").withArgs(3);
      expect(await d.staking.isCandidate(3)).to.equal(false);
    });

    it("reverts on a zero amount and on more than the stake", async function () {
      const d = await loadFixture(withNodes);
      const [del] = d.dels;
      await expect(d.staking.connect(del).undelegate(1, 0)).to.be.revertedWithCustomError(d.staking, "ZeroAmount");
      await expect(d.staking.connect(del).undelegate(1, 1))
        .to.be.revertedWithCustomError(d.staking, "InsufficientStake")
        .withArgs(1, 0);
      await expect(d.staking.connect(d.ops[0]).undelegate(1, tokens(401)))
        .to.be.revertedWithCustomError(d.staking, "InsufficientStake")
        .withArgs(tokens(401), tokens(400));
    });

    it("stakers of a deregistered node can still undelegate, withdraw and claim", async function () {
      const d = await loadFixture(snapshotted);
      await toEpoch(d, 1n);
      await d.staking.advanceEpoch();
      await d.registry.connect(d.ops[1]).deregister(2);
      const undelegated = await d.staking.connect(d.ops[1]).undelegate(2, tokens(300));
      await expect(undelegated).to.emit(d.staking, "CandidateRemoved").withArgs(2);
      await expect(d.staking.connect(d.ops[1]).claimRewards(2)).to.emit(d.staking, "RewardsClaimed");
      await time.increaseTo((await minedAt(undelegated)) + TEST_PARAMS.unbondingPeriod);
      await expect(d.staking.connect(d.ops[1]).withdraw(1)).to.changeTokenBalance(d.token, d.ops[1], tokens(300));
    });

    it("withdraw reverts for another caller and an unknown id", async function () {
      const d = await loadFixture(withNodes);
      const undelegated = await d.staking.connect(d.ops[0]).undelegate(1, tokens(1));
      await time.increaseTo((await minedAt(undelegated)) + TEST_PARAMS.unbondingPeriod);
      await expect(d.staking.connect(d.ops[1]).withdraw(1)).to.be.revertedWithCustomError(d.staking, "NotUnbondingOwner").withArgs(1);
      await expect(d.staking.connect(d.ops[0]).withdraw(2)).to.be.revertedWithCustomError(d.staking, "NotUnbondingOwner").withArgs(2);
      await d.staking.connect(d.ops[0]).withdraw(1);
      await expect(d.staking.connect(d.ops[0]).withdraw(1)).to.be.revertedWithCustomError(d.staking, "NotUnbondingOwner");
    });
  });

  describe("advanceEpoch and the active set", function () {
    it("snapshots the top N by stake, ties by lower id, and emits the set", async function () {
      const d = await loadFixture(withNodes);
      await expect(d.staking.advanceEpoch())
        .to.emit(d.staking, "EpochSnapshotted")
        .withArgs(0, [1n, 2n, 3n], [tokens(400), tokens(300), tokens(200)], tokens(900));
      const [ids, stakes, total] = await d.staking.activeSet(0);
      expect(ids).to.deep.equal([1n, 2n, 3n]);
      expect(stakes).to.deep.equal([tokens(400), tokens(300), tokens(200)]);
      expect(total).to.equal(tokens(900));
      const e = await d.staking.activeSetEntry(0, 1);
      expect([e.nodeId, e.stake, e.commissionBps]).to.deep.equal([2n, tokens(300), 1000n]);
      const info = await d.staking.activeSetInfo(0);
      expect([info.size, info.totalStake, info.snapshotEpoch]).to.deep.equal([3n, tokens(900), 0n]);
      expect(await d.staking.snapshotCount()).to.equal(1n);
      expect(await d.staking.lastSnapshotEpoch()).to.equal(0n);
    });

    it("delegations count for the ranking: node 4 overtakes node 3 with a delegation", async function () {
      const d = await loadFixture(withNodes);
      await fund(d, d.dels[0], tokens(1));
      await d.staking.connect(d.dels[0]).delegate(4, tokens(1));
      await d.staking.advanceEpoch();
      expect((await d.staking.activeSet(0))[0]).to.deep.equal([1n, 2n, 4n]);
    });

    it("reverts a second advance in the same epoch", async function () {
      const d = await loadFixture(snapshotted);
      await expect(d.staking.advanceEpoch()).to.be.revertedWithCustomError(d.staking, "EpochAlreadySnapshotted").withArgs(0);
    });

    it("the set of a skipped epoch is the previous snapshot; a late advance pays for every skipped epoch", async function () {
      const d = await loadFixture(snapshotted);
      await toEpoch(d, 3n, 5n);
      const expected = await expectedReward(d, 3);
      await expect(d.staking.advanceEpoch()).to.emit(d.staking, "RewardsDistributed");
      const credited = await d.staking.rewardsCredited();
      expect(credited).to.be.closeTo(expected, 10n);
      expect((await d.staking.activeSetInfo(2)).snapshotEpoch).to.equal(0n);
      expect((await d.staking.activeSetInfo(3)).snapshotEpoch).to.equal(3n);
      expect((await d.staking.activeSetInfo(1000)).snapshotEpoch).to.equal(3n);
      expect(await d.staking.snapshotCount()).to.equal(2n);
    });

    it("prunes deregistered nodes and nodes slashed below the minimum", async function () {
      const d = await loadFixture(withNodes);
      await d.registry.connect(d.ops[0]).deregister(1);
      await d.consensus.slash(2, 7_000, ethers.ZeroAddress); // 300 -> 90 < 100
      const tx = d.staking.advanceEpoch();
      await expect(tx).to.emit(d.staking, "CandidateRemoved").withArgs(1);
      await expect(tx).to.emit(d.staking, "CandidateRemoved").withArgs(2);
      expect((await d.staking.activeSet(0))[0]).to.deep.equal([3n, 4n]);
      expect([...(await d.staking.candidates())]).to.have.members([3n, 4n]);
    });

    it("an empty candidate list gives an empty set and no rewards later", async function () {
      const d = await loadFixture(base);
      await expect(d.staking.advanceEpoch()).to.emit(d.staking, "EpochSnapshotted").withArgs(0, [], [], 0);
      await toEpoch(d, 1n);
      await expect(d.staking.advanceEpoch()).to.not.emit(d.staking, "RewardsDistributed");
    });

    it("views revert without a snapshot or past the end of the set", async function () {
      const d = await loadFixture(withNodes);
      await expect(d.staking.activeSet(0)).to.be.revertedWithCustomError(d.staking, "NoSnapshot").withArgs(0);
      await expect(d.staking.lastSnapshotEpoch()).to.be.revertedWithCustomError(d.staking, "NoSnapshot");
      await d.staking.advanceEpoch();
      await expect(d.staking.activeSetEntry(0, 3)).to.be.revertedWithCustomError(d.staking, "IndexOutOfRange").withArgs(3);
      expect(await d.staking.epochStart(2)).to.equal((await d.staking.genesisTime()) + 200n);
    });
  });

  describe("rewards", function () {
    it("splits by snapshot stake, pays commission, and lets late delegations earn only from the next snapshot", async function () {
      const d = await loadFixture(snapshotted);
      const [op1] = d.ops;
      const [del] = d.dels;
      await fund(d, del, tokens(100));
      await d.staking.connect(del).delegate(1, tokens(100)); // after snapshot 0: earns from snapshot 1 on

      await toEpoch(d, 1n);
      const r1 = await expectedReward(d, 1);
      const node1 = (r1 * tokens(400)) / tokens(900);
      const comm1 = (node1 * 1000n) / BPS;
      await expect(d.staking.advanceEpoch()).to.emit(d.staking, "NodeRewarded").withArgs(1, 0, comm1, node1 - comm1);
      expect((await d.staking.poolOf(1)).commissionOwed).to.equal(comm1);
      const op1First = earned(node1 - comm1, tokens(400), tokens(400));
      expect(op1First).to.be.closeTo(node1 - comm1, 400n); // rounding: < 1 wei per whole token of shares
      expect(await d.staking.pendingRewards(op1.address, 1)).to.equal(op1First);
      expect(await d.staking.pendingRewards(del.address, 1)).to.equal(0n);
      // snapshot 1 counts the delegation: node 1 has 500 of 1000
      expect((await d.staking.activeSet(1))[1]).to.deep.equal([tokens(500), tokens(300), tokens(200)]);

      await toEpoch(d, 2n);
      const r2 = await expectedReward(d, 1);
      const node2 = (r2 * tokens(500)) / tokens(1000);
      const rest2 = node2 - (node2 * 1000n) / BPS;
      await d.staking.advanceEpoch();
      expect(await d.staking.pendingRewards(del.address, 1)).to.equal(earned(rest2, tokens(100), tokens(500)));
      expect(await d.staking.pendingRewards(op1.address, 1)).to.equal(op1First + earned(rest2, tokens(400), tokens(500)));

      const owed = await d.staking.pendingRewards(del.address, 1);
      const supply = await d.token.totalSupply();
      await expect(d.staking.connect(del).claimRewards(1)).to.emit(d.staking, "RewardsClaimed").withArgs(del.address, 1, owed);
      expect(await d.token.balanceOf(del.address)).to.equal(owed);
      expect(await d.token.totalSupply()).to.equal(supply + owed);
      expect(await d.staking.rewardsClaimed()).to.equal(owed);
      expect(await d.staking.pendingRewards(del.address, 1)).to.equal(0n);
      await expect(d.staking.connect(del).claimRewards(1)).to.be.revertedWithCustomError(d.staking, "NothingToClaim");
    });

    it("pendingRewards sees a pending batch that the pool has not activated yet", async function () {
      const d = await loadFixture(withNodes);
      // Before the first snapshot everything is pending; node 4 is outside the set, so it is never synced.
      await d.staking.advanceEpoch();
      const pos = await d.staking.positionOf(d.ops[3].address, 4);
      expect(pos.earningShares).to.equal(tokens(200));
      expect(await d.staking.pendingRewards(d.ops[3].address, 4)).to.equal(0n);
    });

    it("the commission is the one snapshotted, not a later change", async function () {
      const d = await loadFixture(snapshotted);
      await d.registry.connect(d.ops[0]).setCommission(1, 0); // after snapshot 0
      await toEpoch(d, 1n);
      const r = await expectedReward(d, 1);
      const node1 = (r * tokens(400)) / tokens(900);
      await expect(d.staking.advanceEpoch()).to.emit(d.staking, "NodeRewarded").withArgs(1, 0, (node1 * 1000n) / BPS, node1 - (node1 * 1000n) / BPS);
      expect((await d.staking.activeSetEntry(1, 0)).commissionBps).to.equal(0n);
    });

    it("a node whose stakers all left after the snapshot gets only its commission", async function () {
      const d = await loadFixture(snapshotted);
      await d.staking.connect(d.ops[2]).undelegate(3, tokens(200));
      await toEpoch(d, 1n);
      const r = await expectedReward(d, 1);
      const node3 = (r * tokens(200)) / tokens(900);
      await expect(d.staking.advanceEpoch()).to.emit(d.staking, "NodeRewarded").withArgs(3, 0, (node3 * 1000n) / BPS, 0);
    });

    it("no rewards at a zero inflation rate", async function () {
      const d = await base();
      await d.staking.setInflationRate(0); // before any stake: applies at once
      for (let i = 0; i < 2; i++) await registerAndStake(d, d.ops[i], i + 1, tokens(200));
      await d.staking.advanceEpoch();
      await toEpoch(d, 1n);
      await expect(d.staking.advanceEpoch()).to.not.emit(d.staking, "RewardsDistributed");
    });

    it("claimCommission mints to the operator, also after deregistration", async function () {
      const d = await loadFixture(snapshotted);
      await toEpoch(d, 1n);
      await d.staking.advanceEpoch();
      const owed = (await d.staking.poolOf(1)).commissionOwed;
      expect(owed).to.be.greaterThan(0n);
      await d.registry.connect(d.ops[0]).deregister(1);
      await expect(d.staking.connect(d.ops[0]).claimCommission(1)).to.emit(d.staking, "CommissionClaimed").withArgs(1, d.ops[0].address, owed);
      expect((await d.staking.poolOf(1)).commissionOwed).to.equal(0n);
      await expect(d.staking.connect(d.ops[0]).claimCommission(1)).to.be.revertedWithCustomError(d.staking, "NothingToClaim");
    });

    it("claimCommission reverts for anyone but the operator", async function () {
      const d = await loadFixture(snapshotted);
      await expect(d.staking.connect(d.dels[0]).claimCommission(1)).to.be.revertedWithCustomError(d.staking, "NotOperator").withArgs(1);
    });
  });

  describe("slash", function () {
    it("cuts bonded and unbonding stake alike, pays the reporter, burns the rest", async function () {
      const d = await loadFixture(withNodes);
      const [del] = d.dels;
      await fund(d, del, tokens(100));
      await d.staking.connect(del).delegate(2, tokens(100)); // pool 2: 400
      const undelegated = await d.staking.connect(del).undelegate(2, tokens(50)); // pool 2: 350 bonded, 50 unbonding
      const supply = await d.token.totalSupply();
      const tx = d.consensus.slash(2, 1_000, d.reporter.address);
      // 35 + 5 = 40 slashed; 4 to the reporter, 36 burned
      await expect(tx).to.emit(d.staking, "Slashed").withArgs(2, 1_000, tokens(35), tokens(5), tokens(36), d.reporter.address, tokens(4));
      await expect(tx).to.changeTokenBalances(d.token, [d.staking, d.reporter], [-tokens(40), tokens(4)]);
      expect(await d.token.totalSupply()).to.equal(supply - tokens(36));
      expect(await d.staking.selfStakeOf(2)).to.equal(tokens(270));
      expect(await d.staking.stakeOf(del.address, 2)).to.equal(tokens(45));
      expect((await d.staking.unbondingOf(1)).amount).to.equal(tokens(45));
      await time.increaseTo((await minedAt(undelegated)) + TEST_PARAMS.unbondingPeriod);
      await expect(d.staking.connect(del).withdraw(1)).to.changeTokenBalance(d.token, del, tokens(45));
      // new delegations after a slash get fewer tokens per share... no: more shares per token
      await fund(d, d.dels[1], tokens(9));
      await expect(d.staking.connect(d.dels[1]).delegate(2, tokens(9))).to.emit(d.staking, "Delegated").withArgs(d.dels[1].address, 2, tokens(9), tokens(10));
    });

    it("burns everything when there is no reporter", async function () {
      const d = await loadFixture(withNodes);
      await expect(d.consensus.slash(1, 500, ethers.ZeroAddress))
        .to.emit(d.staking, "Slashed")
        .withArgs(1, 500, tokens(20), 0, tokens(20), ethers.ZeroAddress, 0);
    });

    it("reverts for callers without CONSENSUS_ROLE, bad bps and unknown nodes", async function () {
      const d = await loadFixture(withNodes);
      const admin = d.signers[0];
      await expect(d.staking.connect(admin).slash(1, 1, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(d.staking, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, await d.staking.CONSENSUS_ROLE());
      await expect(d.consensus.slash(1, 0, ethers.ZeroAddress)).to.be.revertedWithCustomError(d.staking, "InvalidSlash").withArgs(0);
      await expect(d.consensus.slash(1, 10_000, ethers.ZeroAddress)).to.be.revertedWithCustomError(d.staking, "InvalidSlash").withArgs(10_000);
      await expect(d.consensus.slash(77, 1, ethers.ZeroAddress)).to.be.revertedWithCustomError(d.staking, "UnknownNode").withArgs(77);
    });

    it("the maximum slash never empties a pool", async function () {
      const d = await loadFixture(withNodes);
      for (let i = 0; i < 3; i++) await d.consensus.slash(3, 9_999, ethers.ZeroAddress);
      const pool = await d.staking.poolOf(3);
      expect(pool.bondedStake).to.be.greaterThan(0n);
      const v = await d.staking.stakeOf(d.ops[2].address, 3);
      await d.staking.connect(d.ops[2]).undelegate(3, v);
      expect((await d.staking.poolOf(3)).bondedStake).to.equal(0n);
    });
  });

  describe("claimCandidacy", function () {
    async function fifthNode(stake) {
      const d = await withNodes();
      await registerAndStake(d, d.ops[4], 5, tokens(stake));
      return d;
    }

    it("evicts the weakest candidate (lowest stake, then higher id) for a stronger node", async function () {
      const d = await fifthNode(250);
      const tx = d.staking.claimCandidacy(5);
      await expect(tx).to.emit(d.staking, "CandidateRemoved").withArgs(4); // 200 with the higher id of the tie
      await expect(tx).to.emit(d.staking, "CandidateAdded").withArgs(5);
      expect([...(await d.staking.candidates())]).to.have.members([1n, 2n, 3n, 5n]);
    });

    it("reverts for a node not stronger than every candidate", async function () {
      const d = await fifthNode(200); // ties with node 4 but has the higher id
      await expect(d.staking.claimCandidacy(5)).to.be.revertedWithCustomError(d.staking, "WeakerThanAllCandidates").withArgs(5);
    });

    it("adds directly when the list has room", async function () {
      const d = await fifthNode(150);
      await d.staking.connect(d.ops[3]).undelegate(4, tokens(200));
      await expect(d.staking.claimCandidacy(5)).to.emit(d.staking, "CandidateAdded").withArgs(5);
    });

    it("reverts for a candidate and for an ineligible node", async function () {
      const d = await fifthNode(50);
      await expect(d.staking.claimCandidacy(1)).to.be.revertedWithCustomError(d.staking, "AlreadyCandidate").withArgs(1);
      await expect(d.staking.claimCandidacy(5)).to.be.revertedWithCustomError(d.staking, "NotEligible").withArgs(5);
      await expect(d.staking.claimCandidacy(99)).to.be.revertedWithCustomError(d.staking, "NotEligible").withArgs(99);
    });
  });

  describe("governance", function () {
    // Before anything is staked (bootstrapping) each setter applies at once, within the absolute bounds only.
    const cases = [
      ["setMaxActiveNodes", "MaxActiveNodesSet", "maxActiveNodes", 100n, [0n, 101n]],
      ["setInflationRate", "InflationRateSet", "inflationRateBps", 2_000n, [2_001n]],
      ["setMinSelfStake", "MinSelfStakeSet", "minSelfStake", 1n, [0n]],
      ["setReporterReward", "ReporterRewardSet", "reporterRewardBps", 1_000n, [1_001n, 10_000n]],
    ];
    for (const [fn, event, getter, good, bads] of cases) {
      it(`${fn}: before any stake, sets at once, emits, and rejects bad values and non-governance callers`, async function () {
        const d = await loadFixture(base);
        expect(await d.staking.bootstrapping()).to.equal(true);
        await expect(d.staking[fn](good)).to.emit(d.staking, event).withArgs(good);
        expect(await d.staking[getter]()).to.equal(good);
        for (const bad of bads) {
          await expect(d.staking[fn](bad)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
        }
        await expect(d.staking.connect(d.dels[0])[fn](good))
          .to.be.revertedWithCustomError(d.staking, "AccessControlUnauthorizedAccount")
          .withArgs(d.dels[0].address, await d.staking.GOVERNANCE_ROLE());
      });
    }

    // Once anything is staked: propose, wait timelockDelay(), then the setter with the proposed value.
    const timelocked = [
      ["setMaxActiveNodes", PARAMETER.MaxActiveNodes, "MaxActiveNodesSet", "maxActiveNodes", 6n],
      ["setInflationRate", PARAMETER.InflationRate, "InflationRateSet", "inflationRateBps", 900n],
      ["setMinSelfStake", PARAMETER.MinSelfStake, "MinSelfStakeSet", "minSelfStake", tokens(200)],
      ["setReporterReward", PARAMETER.ReporterReward, "ReporterRewardSet", "reporterRewardBps", 500n],
    ];
    for (const [fn, parameter, event, getter, value] of timelocked) {
      it(`${fn}: once stake exists, applies a proposal from its eta on, once`, async function () {
        const d = await loadFixture(withNodes);
        expect(await d.staking.bootstrapping()).to.equal(false);
        const proposed = d.staking.propose(parameter, value);
        const eta = (await minedAt(proposed)) + (await d.staking.timelockDelay());
        await expect(proposed).to.emit(d.staking, "ChangeProposed").withArgs(parameter, value, eta);
        await time.setNextBlockTimestamp(eta - 1n);
        await expect(d.staking[fn](value)).to.be.revertedWithCustomError(d.staking, "ChangeNotReady").withArgs(parameter, eta);
        await expect(d.staking[fn](value)).to.emit(d.staking, event).withArgs(value); // mined at eta
        expect(await d.staking[getter]()).to.equal(value);
        expect([...(await d.staking.proposals(parameter))]).to.deep.equal([0n, 0n]);
        await expect(d.staking[fn](value)).to.be.revertedWithCustomError(d.staking, "ChangeNotProposed").withArgs(parameter, value);
      });
    }

    it("timelockDelay is unbondingPeriod + TIMELOCK_MARGIN (2 days); a proposal stays applicable for EXECUTION_WINDOW (7 days)", async function () {
      const d = await loadFixture(withNodes);
      expect(await d.staking.TIMELOCK_MARGIN()).to.equal(2n * 24n * 3600n);
      expect(await d.staking.timelockDelay()).to.equal(TEST_PARAMS.unbondingPeriod + 2n * 24n * 3600n);
      const window = await d.staking.EXECUTION_WINDOW();
      expect(window).to.equal(7n * 24n * 3600n);
      const p = PARAMETER.InflationRate;
      let eta = (await minedAt(d.staking.propose(p, 1_100n))) + (await d.staking.timelockDelay());
      await time.setNextBlockTimestamp(eta + window + 1n);
      await expect(d.staking.setInflationRate(1_100n)).to.be.revertedWithCustomError(d.staking, "ChangeExpired").withArgs(p, eta);
      eta = (await minedAt(d.staking.propose(p, 1_100n))) + (await d.staking.timelockDelay());
      await time.setNextBlockTimestamp(eta + window); // the last second of the window
      await expect(d.staking.setInflationRate(1_100n)).to.emit(d.staking, "InflationRateSet").withArgs(1_100n);
    });

    it("a new proposal replaces the pending one; cancel drops it", async function () {
      const d = await loadFixture(withNodes);
      const p = PARAMETER.InflationRate;
      await d.staking.propose(p, 1_050n);
      const eta = (await minedAt(d.staking.propose(p, 950n))) + (await d.staking.timelockDelay());
      expect([...(await d.staking.proposals(p))]).to.deep.equal([950n, eta]);
      await time.increaseTo(eta);
      await expect(d.staking.setInflationRate(1_050n)).to.be.revertedWithCustomError(d.staking, "ChangeNotProposed").withArgs(p, 1_050n);
      await expect(d.staking.connect(d.dels[0]).cancel(p))
        .to.be.revertedWithCustomError(d.staking, "AccessControlUnauthorizedAccount")
        .withArgs(d.dels[0].address, await d.staking.GOVERNANCE_ROLE());
      await expect(d.staking.cancel(p)).to.emit(d.staking, "ChangeCancelled").withArgs(p, 950n);
      await expect(d.staking.setInflationRate(950n)).to.be.revertedWithCustomError(d.staking, "ChangeNotProposed").withArgs(p, 950n);
      await expect(d.staking.cancel(p)).to.be.revertedWithCustomError(d.staking, "NothingProposed").withArgs(p);
      expect(await d.staking.inflationRateBps()).to.equal(TEST_PARAMS.inflationRateBps);
    });

    it("propose and the bindings are for GOVERNANCE_ROLE only; propose checks bounds and steps at once", async function () {
      const d = await loadFixture(withNodes);
      const other = d.dels[0];
      const G = await d.staking.GOVERNANCE_ROLE();
      const C = await d.consensus.getAddress();
      for (const call of [
        (s) => s.propose(PARAMETER.InflationRate, 1_000n),
        (s) => s.bindConsensus(C),
        (s) => s.bindCheckpoints(C),
      ]) {
        await expect(call(d.staking.connect(other))).to.be.revertedWithCustomError(d.staking, "AccessControlUnauthorizedAccount").withArgs(other.address, G);
      }
      await expect(d.staking.propose(PARAMETER.MaxActiveNodes, 101n)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
      await expect(d.staking.propose(PARAMETER.InflationRate, 2_001n)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
      await expect(d.staking.propose(PARAMETER.MinSelfStake, 0n)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
      await expect(d.staking.propose(PARAMETER.ReporterReward, 1_001n)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
      await expect(d.staking.propose(PARAMETER.InflationRate, 1_101n))
        .to.be.revertedWithCustomError(d.staking, "StepTooLarge").withArgs(PARAMETER.InflationRate, 1_000n, 1_101n);
    });

    it("binding the consensus before any stake: at once, to a contract only, once; gating only to the bound consensus", async function () {
      const d = await deploySystem({}, { bindConsensus: false });
      const S = await d.staking.getAddress();
      const admin = d.signers[0].address;
      const C = await d.checkpoints.getAddress();
      expect(await d.staking.bootstrapping()).to.equal(true);
      expect(await d.staking.consensus()).to.equal(ethers.ZeroAddress);
      await expect(d.staking.bindCheckpoints(C)).to.be.revertedWithCustomError(d.staking, "NotConsensus").withArgs(C);
      await expect(d.staking.bindConsensus(admin)).to.be.revertedWithCustomError(d.staking, "NotAContract").withArgs(admin);
      await expect(d.staking.bindConsensus(ethers.ZeroAddress)).to.be.revertedWithCustomError(d.staking, "NotAContract").withArgs(ethers.ZeroAddress);
      await expect(d.staking.bindConsensus(C)).to.emit(d.staking, "ConsensusBound").withArgs(C)
        .and.to.emit(d.staking, "RoleGranted").withArgs(await d.staking.CONSENSUS_ROLE(), C, admin);
      expect(await d.staking.consensus()).to.equal(C);
      await expect(d.staking.bindConsensus(S)).to.be.revertedWithCustomError(d.staking, "ConsensusAlreadyBound").withArgs(C);
      await expect(d.staking.bindCheckpoints(S)).to.be.revertedWithCustomError(d.staking, "NotConsensus").withArgs(S);
      await expect(d.staking.bindCheckpoints(C)).to.emit(d.staking, "CheckpointsBound").withArgs(C);
    });

    it("a smaller N applies from the next snapshot", async function () {
      const d = await loadFixture(withNodes);
      await governed(d, PARAMETER.MaxActiveNodes, 2n, "setMaxActiveNodes"); // 3 -> 2: at most halved per change
      await d.staking.advanceEpoch();
      expect((await d.staking.activeSet(await d.staking.currentEpoch()))[0]).to.deep.equal([1n, 2n]);
    });
  });
});
