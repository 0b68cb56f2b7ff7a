"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { mine } = require("@nomicfoundation/hardhat-network-helpers");
const { anyValue } = require("@nomicfoundation/hardhat-chai-matchers/withArgs");
const { deploySystem, tokens, BPS, registerAndStake, toEpoch, checkpointDomain, CHECKPOINT_TYPES, signCheckpoint, loadFixture } =
  require("./helpers");

const CUT = ethers.id("cut-1");
const ROOT = ethers.id("root-1");
const OTHER_ROOT = ethers.id("root-2");
// secp256k1 group order: s' = n - s turns a valid signature into its malleable twin
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

describe("Checkpoints", function () {
  // signers: 0 admin/governance, 1..6 operators, 7..9 delegators, 10 reporter, 11 anyone
  async function base() {
    const d = await deploySystem({ maxActiveNodes: 10n, maxCandidates: 10n });
    d.ops = d.signers.slice(1, 7);
    d.reporter = d.signers[10];
    d.anyone = d.signers[11];
    return d;
  }

  /** Four nodes of equal stake (ids 1..4 operated by ops[0..3]); snapshot at epoch 0; the chain is in epoch 1. */
  async function fourNodes() {
    const d = await base();
    d.ids = [];
    for (let i = 0; i < 4; i++) d.ids.push(await registerAndStake(d, d.ops[i], i + 1, tokens(100)));
    await d.staking.advanceEpoch();
    await toEpoch(d, 1n);
    await mine();
    return d;
  }

  /** Node ids and signatures of `ops` (operator i runs node i + 1) over (epoch, cut, root), sorted by id. */
  async function signed(d, opIndexes, epoch = 0n, cut = CUT, root = ROOT) {
    const sorted = [...opIndexes].sort((a, b) => a - b);
    const sigs = [];
    for (const i of sorted) sigs.push(await signCheckpoint(d, d.ops[i], epoch, cut, root));
    return { ids: sorted.map((i) => BigInt(i + 1)), sigs };
  }

  describe("constructor and domain", function () {
    it("stores staking, registry, slash share and roles; deployAll binds it as Staking's consensus, ungated", async function () {
      const d = await loadFixture(base);
      const admin = d.signers[0].address;
      expect(await d.checkpoints.staking()).to.equal(await d.staking.getAddress());
      expect(await d.checkpoints.registry()).to.equal(await d.registry.getAddress());
      expect(await d.checkpoints.slashBps()).to.equal(500n);
      expect(await d.checkpoints.hasRole(await d.checkpoints.DEFAULT_ADMIN_ROLE(), admin)).to.equal(true);
      expect(await d.checkpoints.hasRole(await d.checkpoints.GOVERNANCE_ROLE(), admin)).to.equal(true);
      const consensus = await d.staking.CONSENSUS_ROLE();
      expect(await d.staking.hasRole(consensus, await d.checkpoints.getAddress())).to.equal(true);
      expect(await d.staking.consensus()).to.equal(await d.checkpoints.getAddress());
      expect(await d.staking.checkpoints()).to.equal(ethers.ZeroAddress);
      expect(d.record.Checkpoints.address).to.equal(await d.checkpoints.getAddress());
    });

    it("is bound into Staking by the deployment when gateRewardsByCheckpoints is true", async function () {
      const d = await deploySystem({ gateRewardsByCheckpoints: "true", checkpointSlashBps: 250n });
      expect(await d.staking.checkpoints()).to.equal(await d.checkpoints.getAddress());
      expect(await d.checkpoints.slashBps()).to.equal(250n);
    });

    it("reverts on zero addresses, a registry other than Staking's, and a slash share out of 1..5000", async function () {
      const d = await loadFixture(base);
      const F = await ethers.getContractFactory("Checkpoints");
      const S = await d.staking.getAddress();
      const R = await d.registry.getAddress();
      const admin = d.signers[0].address;
      await expect(F.deploy(ethers.ZeroAddress, R, admin, 500)).to.be.revertedWithCustomError(F, "ZeroAddress");
      await expect(F.deploy(S, ethers.ZeroAddress, admin, 500)).to.be.revertedWithCustomError(F, "ZeroAddress");
      await expect(F.deploy(S, R, ethers.ZeroAddress, 500)).to.be.revertedWithCustomError(F, "ZeroAddress");
      const otherRegistry = await (await ethers.getContractFactory("NodeRegistry")).deploy(5000, 100);
      await expect(F.deploy(S, await otherRegistry.getAddress(), admin, 500)).to.be.revertedWithCustomError(F, "RegistryMismatch");
      await expect(F.deploy(S, R, admin, 0)).to.be.revertedWithCustomError(F, "InvalidParameter");
      await expect(F.deploy(S, R, admin, 5001)).to.be.revertedWithCustomError(F, "InvalidParameter");
    });

    it("checkpointDigest is the EIP-712 hash of Checkpoint(epoch, cutHash, root) under its domain", async function () {
      const d = await loadFixture(base);
      const domain = await checkpointDomain(d);
      const value = { epoch: 7n, cutHash: CUT, root: ROOT };
      expect(await d.checkpoints.checkpointDigest(7n, CUT, ROOT))
        .to.equal(ethers.TypedDataEncoder.hash(domain, CHECKPOINT_TYPES, value));
      expect(await d.checkpoints.domainSeparator()).to.equal(ethers.TypedDataEncoder.hashDomain(domain));
      const eip712 = await d.checkpoints.eip712Domain();
      expect(eip712.name).to.equal("XMTPJ Checkpoints");
      expect(eip712.version).to.equal("1");
    });

    it("lets governance (only) set the slash share within 1..5000", async function () {
      const d = await loadFixture(base);
      await expect(d.checkpoints.setSlashBps(1000)).to.emit(d.checkpoints, "SlashBpsSet").withArgs(1000n);
      expect(await d.checkpoints.slashBps()).to.equal(1000n);
      await expect(d.checkpoints.setSlashBps(5001)).to.be.revertedWithCustomError(d.checkpoints, "InvalidParameter");
      await expect(d.checkpoints.setSlashBps(0)).to.be.revertedWithCustomError(d.checkpoints, "InvalidParameter");
      await expect(d.checkpoints.connect(d.anyone).setSlashBps(100))
        .to.be.revertedWithCustomError(d.checkpoints, "AccessControlUnauthorizedAccount");
    });
  });

  describe("submit", function () {
    it("finalizes with all 4 signers: event, checkpoint(), signers(), lastFinalizedEpoch()", async function () {
      const d = await loadFixture(fourNodes);
      await expect(d.checkpoints.lastFinalizedEpoch()).to.be.revertedWithCustomError(d.checkpoints, "NothingFinalized");
      const { ids, sigs } = await signed(d, [0, 1, 2, 3]);
      await expect(d.checkpoints.connect(d.anyone).submit(0n, CUT, ROOT, ids, sigs))
        .to.emit(d.checkpoints, "CheckpointFinalized")
        .withArgs(0n, ROOT, CUT, ids, tokens(400), tokens(400));
      const c = await d.checkpoints.checkpoint(0n);
      expect([c.finalized, c.root, c.cutHash, c.signedStake, c.totalStake]).to.deep.equal([true, ROOT, CUT, tokens(400), tokens(400)]);
      expect([...(await d.checkpoints.signers(0n))]).to.deep.equal(ids);
      expect(await d.checkpoints.lastFinalizedEpoch()).to.equal(0n);
      expect(await d.checkpoints.finalizedCount()).to.equal(1n);
      const none = await d.checkpoints.checkpoint(1n);
      expect(none.finalized).to.equal(false);
      expect(await d.checkpoints.signers(1n)).to.deep.equal([]);
    });

    it("finalizes with 3 of 4 equal stakes (75%) and lists exactly those signers", async function () {
      const d = await loadFixture(fourNodes);
      const { ids, sigs } = await signed(d, [0, 2, 3]);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, ids, sigs))
        .to.emit(d.checkpoints, "CheckpointFinalized")
        .withArgs(0n, ROOT, CUT, [1n, 3n, 4n], tokens(300), tokens(400));
      expect([...(await d.checkpoints.signers(0n))]).to.deep.equal([1n, 3n, 4n]);
    });

    it("refuses 2 of 4 equal stakes (50%) with QuorumNotReached(signed, total)", async function () {
      const d = await loadFixture(fourNodes);
      const { ids, sigs } = await signed(d, [1, 3]);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, ids, sigs))
        .to.be.revertedWithCustomError(d.checkpoints, "QuorumNotReached").withArgs(tokens(200), tokens(400));
      await expect(d.checkpoints.submit(0n, CUT, ROOT, [], []))
        .to.be.revertedWithCustomError(d.checkpoints, "QuorumNotReached").withArgs(0n, tokens(400));
    });

    it("accepts exactly 2/3 of the stake and refuses 1 wei less", async function () {
      const d = await loadFixture(base);
      // 3 nodes of 100 tokens: 2 signers hold exactly 2/3
      for (let i = 0; i < 3; i++) await registerAndStake(d, d.ops[i], i + 1, tokens(100));
      await d.staking.advanceEpoch();
      await toEpoch(d, 1n);
      const { ids, sigs } = await signed(d, [0, 1]);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, ids, sigs))
        .to.emit(d.checkpoints, "CheckpointFinalized").withArgs(0n, ROOT, CUT, ids, tokens(200), tokens(300));

      // node 3 gets 1 wei more: the same two signers now hold 200 of 300 tokens + 1 wei, just below 2/3
      await d.token.connect(d.signers[0]).transfer(d.ops[2].address, 1n);
      await d.token.connect(d.ops[2]).approve(await d.staking.getAddress(), 1n);
      await d.staking.connect(d.ops[2]).delegate(3n, 1n);
      await toEpoch(d, 2n);
      await d.staking.advanceEpoch();
      await toEpoch(d, 3n);
      await mine();
      const below = await signed(d, [0, 1], 2n);
      await expect(d.checkpoints.submit(2n, CUT, ROOT, below.ids, below.sigs))
        .to.be.revertedWithCustomError(d.checkpoints, "QuorumNotReached").withArgs(tokens(200), tokens(300) + 1n);
    });

    it("uses the set in force for the epoch: a skipped epoch is signed by the previous snapshot's nodes", async function () {
      const d = await loadFixture(fourNodes);
      await toEpoch(d, 2n); // epoch 1: nobody advanced, the epoch-0 set is in force
      await mine();
      const { ids, sigs } = await signed(d, [0, 1, 2], 1n);
      await expect(d.checkpoints.submit(1n, CUT, ROOT, ids, sigs)).to.emit(d.checkpoints, "CheckpointFinalized");
      const first = await signed(d, [1, 2, 3], 0n);
      await d.checkpoints.submit(0n, CUT, ROOT, first.ids, first.sigs); // out of order is fine
      expect(await d.checkpoints.lastFinalizedEpoch()).to.equal(1n);
      expect(await d.checkpoints.finalizedCount()).to.equal(2n);
    });

    it("reverts with LengthMismatch when ids and signatures differ in number", async function () {
      const d = await loadFixture(fourNodes);
      const { ids, sigs } = await signed(d, [0, 1, 2]);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, ids, sigs.slice(1)))
        .to.be.revertedWithCustomError(d.checkpoints, "LengthMismatch").withArgs(3n, 2n);
    });

    it("reverts with EpochNotOver for the current and future epochs", async function () {
      const d = await loadFixture(fourNodes);
      for (const e of [1n, 5n]) {
        const { ids, sigs } = await signed(d, [0, 1, 2, 3], e);
        await expect(d.checkpoints.submit(e, CUT, ROOT, ids, sigs))
          .to.be.revertedWithCustomError(d.checkpoints, "EpochNotOver").withArgs(e);
      }
    });

    it("reverts with AlreadyFinalized for a second submission, even of another root", async function () {
      const d = await loadFixture(fourNodes);
      const a = await signed(d, [0, 1, 2]);
      await d.checkpoints.submit(0n, CUT, ROOT, a.ids, a.sigs);
      const b = await signed(d, [0, 1, 2, 3], 0n, CUT, OTHER_ROOT);
      await expect(d.checkpoints.submit(0n, CUT, OTHER_ROOT, b.ids, b.sigs))
        .to.be.revertedWithCustomError(d.checkpoints, "AlreadyFinalized").withArgs(0n);
    });

    it("reverts with UnsortedSigners on descending or duplicate ids", async function () {
      const d = await loadFixture(fourNodes);
      const { ids, sigs } = await signed(d, [0, 1, 2]);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, [ids[0], ids[2], ids[1]], [sigs[0], sigs[2], sigs[1]]))
        .to.be.revertedWithCustomError(d.checkpoints, "UnsortedSigners").withArgs(2n);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, [ids[0], ids[1], ids[1], ids[2]], [sigs[0], sigs[1], sigs[1], sigs[2]]))
        .to.be.revertedWithCustomError(d.checkpoints, "UnsortedSigners").withArgs(2n);
    });

    it("reverts with NoActiveSet before the first snapshot and for an empty set", async function () {
      const d = await loadFixture(base);
      await toEpoch(d, 2n);
      await d.staking.advanceEpoch(); // empty: no candidates yet
      await toEpoch(d, 3n);
      await mine();
      for (const e of [1n, 2n]) {
        await expect(d.checkpoints.submit(e, CUT, ROOT, [], []))
          .to.be.revertedWithCustomError(d.checkpoints, "NoActiveSet").withArgs(e);
      }
    });

    it("reverts with NotInActiveSet for a staked node outside the top N and for an unknown id", async function () {
      const d = await base();
      await d.staking.setMaxActiveNodes(3); // before any stake: at once. Node 1 (the weakest) is left out
      for (let i = 0; i < 4; i++) await registerAndStake(d, d.ops[i], i + 1, tokens(100 + 10 * i));
      await d.staking.advanceEpoch();
      await toEpoch(d, 1n);
      const { ids, sigs } = await signed(d, [0, 1, 2, 3]);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, ids, sigs))
        .to.be.revertedWithCustomError(d.checkpoints, "NotInActiveSet").withArgs(0n, 1n);
      const three = await signed(d, [1, 2, 3]);
      await expect(d.checkpoints.submit(0n, CUT, ROOT, [...three.ids, 99n], [...three.sigs, three.sigs[0]]))
        .to.be.revertedWithCustomError(d.checkpoints, "NotInActiveSet").withArgs(0n, 99n);
    });

    it("reverts with BadSignature for another key, another root, cut or epoch, a malleable twin or a short signature", async function () {
      const d = await loadFixture(fourNodes);
      const { ids, sigs } = await signed(d, [0, 1, 2]);
      const bad = async (replacement) => {
        const s = [...sigs];
        s[1] = replacement;
        await expect(d.checkpoints.submit(0n, CUT, ROOT, ids, s))
          .to.be.revertedWithCustomError(d.checkpoints, "BadSignature").withArgs(ids[1]);
      };
      await bad(await signCheckpoint(d, d.ops[4], 0n, CUT, ROOT)); // not node 2's operator
      await bad(await signCheckpoint(d, d.ops[1], 0n, CUT, OTHER_ROOT));
      await bad(await signCheckpoint(d, d.ops[1], 0n, ethers.id("cut-2"), ROOT));
      await bad(await signCheckpoint(d, d.ops[1], 1n, CUT, ROOT));
      const sig = ethers.Signature.from(sigs[1]);
      const highS = ethers.toBeHex(SECP256K1_N - BigInt(sig.s), 32);
      await bad(ethers.concat([sig.r, highS, ethers.toBeHex(sig.v === 27 ? 28 : 27, 1)]));
      await bad(ethers.concat([sig.r, sig.s])); // 64 bytes
      await bad("0x");
    });
  });

  describe("submitEvidence", function () {
    async function evidence(d, op, epoch, rootB = OTHER_ROOT) {
      return [
        await signCheckpoint(d, op, epoch, CUT, ROOT),
        await signCheckpoint(d, op, epoch, ethers.id("cut-b"), rootB),
      ];
    }

    it("slashes the double signer: reporter paid, the rest burned, event, once per epoch", async function () {
      const d = await loadFixture(fourNodes);
      const [a, b] = await evidence(d, d.ops[1], 0n);
      const supply = await d.token.totalSupply();
      const slashed = (tokens(100) * 500n) / BPS;
      const toReporter = (slashed * 1_000n) / BPS;
      await expect(d.checkpoints.connect(d.reporter).submitEvidence(0n, 2n, CUT, ROOT, a, ethers.id("cut-b"), OTHER_ROOT, b))
        .to.emit(d.checkpoints, "DoubleSignSlashed").withArgs(0n, 2n, d.reporter.address, ROOT, OTHER_ROOT)
        .and.to.emit(d.staking, "Slashed").withArgs(2n, 500n, slashed, 0n, slashed - toReporter, d.reporter.address, toReporter);
      expect(await d.token.balanceOf(d.reporter.address)).to.equal(toReporter);
      expect(await d.token.totalSupply()).to.equal(supply - (slashed - toReporter));
      expect((await d.staking.poolOf(2n)).bondedStake).to.equal(tokens(100) - slashed);
      expect(await d.checkpoints.isSlashed(0n, 2n)).to.equal(true);
      expect(await d.checkpoints.isSlashed(1n, 2n)).to.equal(false);

      const [c, e] = await evidence(d, d.ops[1], 0n, ethers.id("root-3"));
      await expect(d.checkpoints.submitEvidence(0n, 2n, CUT, ROOT, c, ethers.id("cut-b"), ethers.id("root-3"), e))
        .to.be.revertedWithCustomError(d.checkpoints, "AlreadySlashed").withArgs(0n, 2n);
    });

    it("works for a finalized epoch and for the current one, and again in another epoch", async function () {
      const d = await loadFixture(fourNodes);
      const { ids, sigs } = await signed(d, [0, 1, 2, 3]);
      await d.checkpoints.submit(0n, CUT, ROOT, ids, sigs);
      for (const epoch of [0n, 1n]) {
        const [a, b] = await evidence(d, d.ops[0], epoch);
        await expect(d.checkpoints.submitEvidence(epoch, 1n, CUT, ROOT, a, ethers.id("cut-b"), OTHER_ROOT, b))
          .to.emit(d.checkpoints, "DoubleSignSlashed").withArgs(epoch, 1n, anyValue, ROOT, OTHER_ROOT);
      }
      // 5% twice: 100 * 0.95 * 0.95
      expect((await d.staking.poolOf(1n)).bondedStake).to.equal(tokens(9025) / 100n);
    });

    it("rejects the same root (even with different cuts), a wrong signer, a non-member and a future epoch", async function () {
      const d = await loadFixture(fourNodes);
      const a = await signCheckpoint(d, d.ops[0], 0n, CUT, ROOT);
      const sameRoot = await signCheckpoint(d, d.ops[0], 0n, ethers.id("cut-b"), ROOT);
      await expect(d.checkpoints.submitEvidence(0n, 1n, CUT, ROOT, a, ethers.id("cut-b"), ROOT, sameRoot))
        .to.be.revertedWithCustomError(d.checkpoints, "SameRoot");
      const byOther = await signCheckpoint(d, d.ops[1], 0n, CUT, OTHER_ROOT);
      await expect(d.checkpoints.submitEvidence(0n, 1n, CUT, ROOT, a, CUT, OTHER_ROOT, byOther))
        .to.be.revertedWithCustomError(d.checkpoints, "BadSignature").withArgs(1n);
      await expect(d.checkpoints.submitEvidence(0n, 1n, CUT, OTHER_ROOT, byOther, CUT, ROOT, a))
        .to.be.revertedWithCustomError(d.checkpoints, "BadSignature").withArgs(1n);
      // ops[4] registers and stakes after the snapshot: not in epoch 0's (or 1's) set
      await registerAndStake(d, d.ops[4], 5, tokens(100));
      const [x, y] = await evidence(d, d.ops[4], 1n);
      await expect(d.checkpoints.submitEvidence(1n, 5n, CUT, ROOT, x, ethers.id("cut-b"), OTHER_ROOT, y))
        .to.be.revertedWithCustomError(d.checkpoints, "NotInActiveSet").withArgs(1n, 5n);
      const [f, g] = await evidence(d, d.ops[0], 9n);
      await expect(d.checkpoints.submitEvidence(9n, 1n, CUT, ROOT, f, ethers.id("cut-b"), OTHER_ROOT, g))
        .to.be.revertedWithCustomError(d.checkpoints, "EpochNotStarted").withArgs(9n);
      expect(await d.checkpoints.isSlashed(0n, 1n)).to.equal(false);
    });

    it("rejects evidence for an epoch without an active set", async function () {
      const d = await loadFixture(base);
      await registerAndStake(d, d.ops[0], 1, tokens(100));
      const a = await signCheckpoint(d, d.ops[0], 0n, CUT, ROOT);
      const b = await signCheckpoint(d, d.ops[0], 0n, CUT, OTHER_ROOT);
      await expect(d.checkpoints.submitEvidence(0n, 1n, CUT, ROOT, a, CUT, OTHER_ROOT, b))
        .to.be.revertedWithCustomError(d.checkpoints, "NoActiveSet").withArgs(0n);
    });

    it("keeps slashing: the Staking admin cannot revoke its CONSENSUS_ROLE", async function () {
      const d = await loadFixture(fourNodes);
      await expect(d.staking.revokeRole(await d.staking.CONSENSUS_ROLE(), await d.checkpoints.getAddress()))
        .to.be.revertedWithCustomError(d.staking, "ConsensusRoleLocked");
      const [a, b] = await evidence(d, d.ops[0], 0n);
      await expect(d.checkpoints.submitEvidence(0n, 1n, CUT, ROOT, a, ethers.id("cut-b"), OTHER_ROOT, b))
        .to.emit(d.staking, "Slashed");
    });
  });
});
