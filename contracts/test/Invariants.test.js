"use strict";
// Seeded random sequences of staking operations. After every step:
//   - Staking's token balance == totalBonded + totalUnbonding == sum over nodes of (bonded + unbonding pools);
//   - token totalSupply == totalMinted - totalBurned == (mints - burns seen in Transfer events);
//   - rewardsClaimed <= rewardsCredited;
// every few steps and at the end, the sum of every position's and every unbonding entry's value equals the pools
// up to rounding dust (< 1 wei per position and entry), and every snapshot equals an off-chain recomputation of
// the top N (stake descending, lower id first).
// A third run binds Checkpoints (rewards gated): it also submits checkpoints with random signer subsets (below 2/3
// must be refused; a finalized one may credit at most the signers' part of one epoch's inflation and nothing to
// non-signers) and double-sign evidence, and advances only after the previous epoch's checkpoint or half an epoch.
// It also adds signatures after a submission; every payment of an epoch goes, once, to exactly the signers recorded
// for it (submitted and added), within the signers' part of one epoch's inflation; a finalized checkpoint's signed
// stake is its recorded signers' snapshotted stake, and it was finalized before its finalization deadline (a
// submission after it must be refused).
// Governance: random bounded parameter changes go through propose, the time lock and the setter; random attacks by the
// admin and other accounts (granting themselves CONSENSUS_ROLE, slashing directly, revoking the consensus, changing a
// parameter without the time lock) must all revert; the bound consensus never changes, no other account ever holds
// CONSENSUS_ROLE, and every transaction that slashes is one sent to the bound consensus contract.
// INVARIANT_SEED and INVARIANT_STEPS override the defaults.
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { time, mine } = require("@nomicfoundation/hardhat-network-helpers");
const { deploySystem, PARAMETER, governed, tokens, fund, registerAndStake, toEpoch, expectedReward, signCheckpoint, lastBlockTime } =
  require("./helpers");

function mulberry32(seed) {
  let a = seed >>> 0;
  return function () {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUNS = process.env.INVARIANT_SEED
  ? [false, true].map((gated) => ({ seed: Number(process.env.INVARIANT_SEED), gated }))
  : [{ seed: 20261126, gated: false }, { seed: 7, gated: false }, { seed: 61, gated: true }];
const STEPS = Number(process.env.INVARIANT_STEPS || 150);

describe("Invariants (seeded random operation sequences)", function () {
  for (const { seed, gated } of RUNS) {
    it(`seed ${seed}, ${STEPS} steps${gated ? ", rewards gated by checkpoints" : ""}`, async function () {
      const rnd = mulberry32(seed);
      const pick = (arr) => arr[Math.floor(rnd() * arr.length)];
      const randAmount = (max) => (max * BigInt(Math.floor(rnd() * 1_000_000) + 1)) / 1_000_000n;

      // signer 10 forwards slashes through the bound consensus, a ForwardingCheckpoints (d.consensus)
      const d = await deploySystem(
        { maxActiveNodes: 3n, maxCandidates: 4n, inflationRateBps: 2_000n, gateRewardsByCheckpoints: gated },
        { forwarder: (await ethers.getSigners())[10] },
      );
      const s = d.signers;
      const admin = s[0];
      const ops = s.slice(1, 6);
      const dels = s.slice(6, 10);
      const reporter = s[11];
      const consensusAddr = await d.consensus.getAddress();
      const CONSENSUS = await d.staking.CONSENSUS_ROLE();
      const tokenAddr = (await d.token.getAddress()).toLowerCase();
      const stakingAddr = await d.staking.getAddress();
      const transferTopic = d.token.interface.getEvent("Transfer").topicHash;
      const slashedTopic = d.staking.interface.getEvent("Slashed").topicHash;

      let minted = await d.token.totalMinted();
      let burned = 0n;
      let slashes = 0;
      const signersRewardedTopic = d.staking.interface.getEvent("SignersRewarded").topicHash;
      const nodeRewardedTopic = d.staking.interface.getEvent("NodeRewarded").topicHash;
      const rewardedEpochs = new Set();
      /**
       * Gated: a transaction that pays an epoch (a submission or an addition that completes the set, a settle, or
       * advanceEpoch settling the previous epoch) pays it once, to exactly the signers recorded for its checkpoint
       * (not only the submitted ones), and at most their part of one epoch's inflation.
       */
      const checkRewards = async (rc) => {
        const paid = [];
        let rewarded = null;
        for (const log of rc.logs) {
          if (log.address.toLowerCase() !== stakingAddr.toLowerCase()) continue;
          if (log.topics[0] === nodeRewardedTopic) paid.push(d.staking.interface.parseLog(log).args.nodeId);
          if (log.topics[0] === signersRewardedTopic) rewarded = d.staking.interface.parseLog(log).args;
        }
        if (rewarded === null) return;
        const epoch = rewarded.epoch;
        expect(rewardedEpochs.has(epoch)).to.equal(false);
        rewardedEpochs.add(epoch);
        const recorded = [...(await d.checkpoints.signers(epoch))];
        expect(recorded.length).to.be.greaterThan(0);
        if (rewarded.amount > 0n) expect([...paid].sort((a, b) => (a < b ? -1 : 1))).to.deep.equal(recorded);
        const c = await d.checkpoints.checkpoint(epoch);
        expect(rewarded.amount).to.be.lte(((await expectedReward(d, 1)) * c.signedStake) / c.totalStake);
      };
      /** A finalized checkpoint's signed stake is the snapshotted stake of exactly its recorded signers. */
      const checkRecord = async (epoch) => {
        const c = await d.checkpoints.checkpoint(epoch);
        if (!c.finalized) return;
        const set = await d.staking.activeSet(epoch);
        const recorded = [...(await d.checkpoints.signers(epoch))];
        let sum = 0n;
        for (const id of recorded) sum += set.stakes[set.nodeIds.findIndex((n) => n === id)];
        expect(sum).to.equal(c.signedStake);
        expect(c.signedStake * 3n).to.be.gte(c.totalStake * 2n);
        expect(await d.checkpoints.finalizedAt(epoch)).to.be.lessThan(await d.checkpoints.finalizationDeadline(epoch));
      };
      const track = async (txPromise) => {
        const rc = await (await txPromise).wait();
        if (gated) await checkRewards(rc);
        for (const log of rc.logs) {
          if (log.address.toLowerCase() === stakingAddr.toLowerCase() && log.topics[0] === slashedTopic) {
            // only the bound consensus can slash: the transaction went to it (its forwarder or its evidence path)
            expect(rc.to).to.equal(consensusAddr);
            slashes++;
          }
          if (log.address.toLowerCase() !== tokenAddr || log.topics[0] !== transferTopic) continue;
          const ev = d.token.interface.parseLog(log);
          if (ev.args.from === ethers.ZeroAddress) minted += ev.args.value;
          if (ev.args.to === ethers.ZeroAddress) burned += ev.args.value;
        }
        return rc;
      };

      const nodeIds = [];
      const stakes = [300, 150, 120, 100, 100];
      for (let i = 0; i < ops.length; i++) {
        nodeIds.push(await registerAndStake(d, ops[i], 100 + i, tokens(stakes[i]), 500 * i));
      }
      const actors = [...ops, ...dels];
      for (const a of actors) await fund(d, a, tokens(5_000));
      for (const a of actors) await d.token.connect(a).approve(stakingAddr, ethers.MaxUint256);
      const unbondings = []; // { id, owner }
      const counts = {};

      const expectedTopN = async () => {
        const min = await d.staking.minSelfStake();
        const rows = [];
        for (const id of await d.staking.candidates()) {
          const stake = (await d.staking.poolOf(id)).bondedStake;
          if (stake === 0n || !(await d.registry.isRegistered(id))) continue;
          if ((await d.staking.selfStakeOf(id)) < min) continue;
          rows.push({ id, stake });
        }
        rows.sort((a, b) => (a.stake === b.stake ? (a.id < b.id ? -1 : 1) : a.stake > b.stake ? -1 : 1));
        return rows.slice(0, Number(await d.staking.maxActiveNodes()));
      };

      const cheapInvariants = async () => {
        const bal = await d.token.balanceOf(stakingAddr);
        const bonded = await d.staking.totalBonded();
        const unbonding = await d.staking.totalUnbonding();
        expect(bal).to.equal(bonded + unbonding);
        let pools = 0n;
        for (const id of nodeIds) {
          const p = await d.staking.poolOf(id);
          pools += p.bondedStake + p.unbondingStake;
          if (p.bondedShares === 0n) expect(p.bondedStake).to.equal(0n);
          if (p.unbondingShares === 0n) expect(p.unbondingStake).to.equal(0n);
        }
        expect(pools).to.equal(bal);
        const supply = await d.token.totalSupply();
        expect(supply).to.equal((await d.token.totalMinted()) - (await d.token.totalBurned()));
        expect(supply).to.equal(minted - burned);
        expect(await d.staking.rewardsClaimed()).to.be.lte(await d.staking.rewardsCredited());
        expect(await d.staking.consensus()).to.equal(consensusAddr);
      };

      /** CONSENSUS_ROLE is held by the bound consensus and by no signer. */
      const consensusInvariants = async () => {
        expect(await d.staking.hasRole(CONSENSUS, consensusAddr)).to.equal(true);
        for (const a of s) expect(await d.staking.hasRole(CONSENSUS, a.address)).to.equal(false);
      };

      const fullInvariants = async () => {
        const bal = await d.token.balanceOf(stakingAddr);
        let sum = 0n;
        let parts = 0n;
        for (const a of actors) {
          for (const id of nodeIds) {
            const v = await d.staking.stakeOf(a.address, id);
            if (v > 0n) parts++;
            sum += v;
          }
        }
        for (const u of unbondings) {
          const info = await d.staking.unbondingOf(u.id);
          if (info.owner === ethers.ZeroAddress) continue;
          sum += info.amount;
          parts++;
        }
        expect(sum).to.be.lte(bal);
        expect(bal - sum).to.be.lte(parts + BigInt(nodeIds.length) * 2n);
      };

      const opOf = (id) => ops[nodeIds.findIndex((n) => n === id)];
      /** Submits the checkpoint of the epoch that just ended with a random subset of its set (all when `all`). */
      const checkpoint = async (all) => {
        const epoch = (await d.staking.currentEpoch()) - 1n; // the view's epoch: the submission is 1 s later
        if (epoch < 0n || (await d.checkpoints.checkpoint(epoch)).finalized) return false;
        let set;
        try {
          set = await d.staking.activeSet(epoch);
        } catch {
          return false; // no snapshot yet
        }
        if (set.nodeIds.length === 0) return false;
        const chosen = set.nodeIds.map((id, i) => ({ id, stake: set.stakes[i] })).filter(() => all || rnd() < 0.7);
        chosen.sort((a, b) => (a.id < b.id ? -1 : 1));
        const signed = chosen.reduce((acc, c) => acc + c.stake, 0n);
        const root = ethers.id(`root-${epoch}`);
        const sigs = [];
        for (const c of chosen) sigs.push(await signCheckpoint(d, opOf(c.id), epoch, ethers.ZeroHash, root));
        const ids = chosen.map((c) => c.id);
        // pinned, so that the window check below predicts the contract's exactly
        const at = (await lastBlockTime()) + 1n;
        await time.setNextBlockTimestamp(at);
        const submit = d.checkpoints.submit(epoch, ethers.ZeroHash, root, ids, sigs);
        if (at >= (await d.checkpoints.finalizationDeadline(epoch))) {
          // a stale snapshot (nobody advanced for a while): its stake may have been withdrawn
          await expect(submit).to.be.revertedWithCustomError(d.checkpoints, "FinalizationClosed");
          return false;
        }
        if (signed * 3n < set.totalStake * 2n) {
          await expect(submit).to.be.revertedWithCustomError(d.checkpoints, "QuorumNotReached");
          return false;
        }
        const owedBefore = [];
        for (const id of nodeIds) owedBefore.push((await d.staking.poolOf(id)).commissionOwed);
        const creditedBefore = await d.staking.rewardsCredited();
        const ceiling = ((await expectedReward(d, 1)) * signed) / set.totalStake;
        await track(submit);
        expect((await d.staking.rewardsCredited()) - creditedBefore).to.be.lte(ceiling);
        for (let i = 0; i < nodeIds.length; i++) {
          if (!ids.includes(nodeIds[i])) expect((await d.staking.poolOf(nodeIds[i])).commissionOwed).to.equal(owedBefore[i]);
        }
        await checkRecord(epoch);
        return true;
      };

      /** Adds missing signatures to the checkpoint of the epoch that just ended, while its window is open. */
      const addSignatures = async () => {
        const epoch = (await d.staking.currentEpoch()) - 1n;
        if (epoch < 0n || !(await d.checkpoints.checkpoint(epoch)).finalized) return false;
        const at = (await lastBlockTime()) + 1n;
        if (at >= (await d.checkpoints.signatureDeadline(epoch))) return false;
        const set = await d.staking.activeSet(epoch);
        const recorded = [...(await d.checkpoints.signers(epoch))];
        const missing = [...set.nodeIds].filter((id) => !recorded.includes(id)).sort((a, b) => (a < b ? -1 : 1));
        const chosen = missing.filter(() => rnd() < 0.6);
        if (chosen.length === 0) return false;
        const root = ethers.id(`root-${epoch}`);
        const sigs = [];
        for (const id of chosen) sigs.push(await signCheckpoint(d, opOf(id), epoch, ethers.ZeroHash, root));
        await time.setNextBlockTimestamp(at);
        await track(d.checkpoints.addSignatures(epoch, chosen, sigs));
        expect([...(await d.checkpoints.signers(epoch))].length).to.equal(recorded.length + chosen.length);
        await checkRecord(epoch);
        return true;
      };

      const steps = [
        ["delegate", 5, async () => {
          const a = pick(actors);
          const id = pick(nodeIds);
          if (!(await d.registry.isRegistered(id))) return false;
          const bal = await d.token.balanceOf(a.address);
          if (bal === 0n) return false;
          await track(d.staking.connect(a).delegate(id, randAmount(bal / 4n + 1n)));
          return true;
        }],
        ["undelegate", 4, async () => {
          const a = pick(actors);
          const id = pick(nodeIds);
          const v = await d.staking.stakeOf(a.address, id);
          if (v === 0n) return false;
          const amount = rnd() < 0.3 ? v : randAmount(v);
          const rc = await track(d.staking.connect(a).undelegate(id, amount));
          const ev = rc.logs.map((l) => d.staking.interface.parseLog(l)).find((e) => e && e.name === "UnbondingStarted");
          unbondings.push({ id: ev.args.unbondingId, owner: a });
          return true;
        }],
        ["withdraw", 3, async () => {
          // the withdrawal's block is at least one second after the newest one, whatever the wall clock does
          const next = (await lastBlockTime()) + 1n;
          for (const u of unbondings) {
            const info = await d.staking.unbondingOf(u.id);
            if (info.owner !== ethers.ZeroAddress && info.releaseTime <= next) {
              await track(d.staking.connect(u.owner).withdraw(u.id));
              return true;
            }
          }
          return false;
        }],
        ["advance", 3, async () => {
          const next = (await d.staking.currentEpoch()) + 1n + (rnd() < 0.2 ? 2n : 0n);
          await toEpoch(d, next, BigInt(Math.floor(rnd() * 50)));
          if (gated) {
            // usually the previous epoch's checkpoint first (all sign, or a random 2/3 and then maybe the others'
            // signatures added); unless that paid the epoch, wait until half the epoch has passed (the signature
            // window closes, and advanceEpoch pays whoever signed)
            await mine(); // at the new epoch's timestamp: the epoch before it is over
            const finalized = rnd() < 0.7 && (await checkpoint(rnd() < 0.5));
            if (finalized && rnd() < 0.7 && (await addSignatures())) counts.addSignatures = (counts.addSignatures || 0) + 1;
            if ((await d.staking.snapshotCount()) > 0n && !(await d.staking.epochRewarded(next - 1n))) {
              const half = (await d.staking.epochStart(next)) + 50n;
              if ((await lastBlockTime()) < half) await time.increaseTo(half);
            }
          }
          const expected = await expectedTopN();
          await track(d.staking.advanceEpoch());
          const [ids, st] = await d.staking.activeSet(await d.staking.currentEpoch());
          expect([...ids]).to.deep.equal(expected.map((r) => r.id));
          expect([...st]).to.deep.equal(expected.map((r) => r.stake));
          return true;
        }],
        ["slash", 1, async () => {
          const id = pick(nodeIds);
          await track(d.consensus.slash(id, 1 + Math.floor(rnd() * 3000), rnd() < 0.5 ? reporter.address : ethers.ZeroAddress));
          return true;
        }],
        ["attack", 0.5, async () => {
          // the admin (also governance) or anyone else tries to take stake or change a parameter at once
          const a = rnd() < 0.5 ? admin : pick([...actors, reporter]);
          const attacks = [
            () => d.staking.connect(a).grantRole(CONSENSUS, a.address),
            () => d.staking.connect(a).slash(pick(nodeIds), 9_999n, a.address),
            () => d.staking.connect(a).revokeRole(CONSENSUS, consensusAddr),
            () => d.staking.connect(a).setReporterReward(10_000n),
            async () => {
              const r = await d.staking.inflationRateBps(); // a step within bounds, but not proposed
              return d.staking.connect(a).setInflationRate(r === 0n ? 1n : r - 1n);
            },
            () => d.staking.connect(a).bindConsensus(stakingAddr),
          ];
          await expect(pick(attacks)()).to.be.reverted;
          return true;
        }],
        ["govern", 0.4, async () => {
          // a bounded change through propose and the time lock (a jump of timelockDelay: 2 days and the unbonding)
          const between = (lo, hi) => lo + (((hi - lo + 1n) * BigInt(Math.floor(rnd() * 1_000_000))) / 1_000_000n);
          const min = (x, y) => (x < y ? x : y);
          const max = (x, y) => (x > y ? x : y);
          const which = Math.floor(rnd() * 4);
          if (which === 0) {
            const n = await d.staking.maxActiveNodes();
            await governed(d, PARAMETER.MaxActiveNodes, between((n + 1n) / 2n, min(2n * n, 100n)), "setMaxActiveNodes");
          } else if (which === 1) {
            const r = await d.staking.inflationRateBps();
            await governed(d, PARAMETER.InflationRate, between(max(r, 100n) - 100n, min(r + 100n, 2_000n)), "setInflationRate");
          } else if (which === 2) {
            const m = await d.staking.minSelfStake();
            await governed(d, PARAMETER.MinSelfStake, between((m + 1n) / 2n, 2n * m), "setMinSelfStake");
          } else {
            const r = await d.staking.reporterRewardBps();
            await governed(d, PARAMETER.ReporterReward, between(max(r, 500n) - 500n, min(r + 500n, 1_000n)), "setReporterReward");
          }
          return true;
        }],
        ["claimRewards", 2, async () => {
          const a = pick(actors);
          const id = pick(nodeIds);
          if ((await d.staking.pendingRewards(a.address, id)) === 0n) return false;
          const expected = await d.staking.pendingRewards(a.address, id);
          const before = await d.token.balanceOf(a.address);
          await track(d.staking.connect(a).claimRewards(id));
          expect(await d.token.balanceOf(a.address)).to.equal(before + expected);
          return true;
        }],
        ["claimCommission", 1, async () => {
          const i = Math.floor(rnd() * ops.length);
          if ((await d.staking.poolOf(nodeIds[i])).commissionOwed === 0n) return false;
          await track(d.staking.connect(ops[i]).claimCommission(nodeIds[i]));
          return true;
        }],
        ["claimCandidacy", 1, async () => {
          const id = pick(nodeIds);
          try {
            await track(d.staking.claimCandidacy(id));
            return true;
          } catch {
            return false; // not eligible, already listed, or too weak: all legitimate refusals
          }
        }],
        ["setCommission", 1, async () => {
          const i = Math.floor(rnd() * ops.length);
          if (!(await d.registry.isRegistered(nodeIds[i]))) return false;
          const c = Math.floor(rnd() * 5000);
          if (BigInt(c) === (await d.registry.commissionOf(nodeIds[i]))) return false;
          await track(d.registry.connect(ops[i]).setCommission(nodeIds[i], c));
          return true;
        }],
        ["deregister", 0.1, async () => {
          const i = Math.floor(rnd() * ops.length);
          if (!(await d.registry.isRegistered(nodeIds[i]))) return false;
          await track(d.registry.connect(ops[i]).deregister(nodeIds[i]));
          return true;
        }],
        ["checkpoint", gated ? 2 : 0, async () => checkpoint(false)],
        ["addSignatures", gated ? 1 : 0, addSignatures],
        ["evidence", gated ? 0.5 : 0, async () => {
          const epoch = await d.staking.currentEpoch();
          let set;
          try {
            set = await d.staking.activeSet(epoch);
          } catch {
            return false;
          }
          if (set.nodeIds.length === 0) return false;
          const id = pick([...set.nodeIds]);
          if (await d.checkpoints.isSlashed(epoch, id)) return false;
          const [a, b] = [ethers.id(`a-${step}`), ethers.id(`b-${step}`)];
          const sa = await signCheckpoint(d, opOf(id), epoch, ethers.ZeroHash, a);
          const sb = await signCheckpoint(d, opOf(id), epoch, ethers.ZeroHash, b);
          await track(d.checkpoints.connect(reporter).submitEvidence(epoch, id, ethers.ZeroHash, a, sa, ethers.ZeroHash, b, sb));
          return true;
        }],
        ["wait", 1, async () => {
          await time.increase(1 + Math.floor(rnd() * 200));
          return true;
        }],
      ];
      const totalWeight = steps.reduce((acc, [, w]) => acc + w, 0);

      let step = 0;
      for (; step < STEPS; step++) {
        // each step starts one second after the last block, however long the previous one took: the sequence a seed
        // gives (which depends on the chain's clock, e.g. for withdrawals) is the same on a slow machine
        await time.setNextBlockTimestamp((await lastBlockTime()) + 1n);
        let r = rnd() * totalWeight;
        let chosen = steps[steps.length - 1];
        for (const st of steps) {
          r -= st[1];
          if (r <= 0) {
            chosen = st;
            break;
          }
        }
        const done = await chosen[2]();
        if (done) counts[chosen[0]] = (counts[chosen[0]] || 0) + 1;
        await cheapInvariants();
        if (step % 20 === 19) {
          await fullInvariants();
          await consensusInvariants();
        }
      }
      await fullInvariants();
      await consensusInvariants();
      // Drain: everyone leaves and withdraws; the contract must then hold exactly nothing.
      for (const a of actors) {
        for (const id of nodeIds) {
          const v = await d.staking.stakeOf(a.address, id);
          if (v > 0n) {
            const rc = await track(d.staking.connect(a).undelegate(id, v));
            const ev = rc.logs.map((l) => d.staking.interface.parseLog(l)).find((e) => e && e.name === "UnbondingStarted");
            unbondings.push({ id: ev.args.unbondingId, owner: a });
          }
        }
      }
      await time.increase(await d.staking.unbondingPeriod()); // every entry started at or before the newest block
      for (const u of unbondings) {
        if ((await d.staking.unbondingOf(u.id)).owner !== ethers.ZeroAddress) await track(d.staking.connect(u.owner).withdraw(u.id));
      }
      await cheapInvariants();
      expect(await d.token.balanceOf(stakingAddr)).to.equal(0n);
      expect(await d.staking.totalBonded()).to.equal(0n);
      expect(await d.staking.totalUnbonding()).to.equal(0n);
      console.log(`      operations done: ${JSON.stringify(counts)}; Slashed events: ${slashes}`);
      expect(counts.advance || 0).to.be.greaterThan(0);
      if (gated) expect(await d.checkpoints.finalizedCount()).to.be.greaterThan(0n);
      expect(await d.staking.rewardsCredited()).to.be.greaterThan(0n);
    });
  }
});
