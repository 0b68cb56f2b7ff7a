// Gas of Checkpoints.submit (4, 16 and 64 signers; ungated and with rewards gated) and submitEvidence, for
// scripts/gas-report.js. Keys, roots and stakes are fixed, so the figures are the same on every run.
"use strict";

const { keyPairFromLabel, signRegistration } = require("./node-keys");

const CUT = "0x" + "c1".repeat(32);
const ROOT = "0x" + "a1".repeat(32);
const TYPES = {
  Checkpoint: [
    { name: "epoch", type: "uint64" },
    { name: "cutHash", type: "bytes32" },
    { name: "root", type: "bytes32" },
  ],
};

/**
 * A fresh deployment with `n` equally staked nodes in the active set of epoch 0, and the chain in epoch 1.
 * Operators are fixed-key wallets, so signatures (and calldata gas) never change.
 */
async function network(hre, deployAll, deployer, n, gated) {
  const { ethers } = hre;
  const E18 = 10n ** 18n;
  const d = await deployAll(ethers, {
    deployer,
    epochLength: 3600n,
    // long enough that epochs 1 and 2 can still be finalized under the epoch-0 snapshot (finalizationDeadline)
    unbondingPeriod: 86400n,
    maxActiveNodes: 64n, // the largest set measured
    minSelfStake: 100n * E18,
    inflationRateBps: 500n,
    gateRewardsByCheckpoints: gated,
  });
  const S = await d.staking.getAddress();
  const ops = [];
  for (let i = 0; i < n; i++) {
    const w = new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(`gas-checkpoint-op-${i}`)), ethers.provider);
    await hre.network.provider.send("hardhat_setBalance", [w.address, "0x56BC75E2D63100000"]);
    await (await d.token.connect(deployer).transfer(w.address, 100n * E18)).wait();
    await (await d.token.connect(w).approve(S, ethers.MaxUint256)).wait();
    const reg = await signRegistration(d.registry, w.address, keyPairFromLabel(`gas-checkpoint-node-${n}-${i}`));
    await (await d.registry.connect(w).register(reg.nodeKey, `https://c${i}.example.org:5556`, 1000, reg.signature)).wait();
    await (await d.staking.connect(w).delegate(i + 1, 100n * E18)).wait();
    ops.push(w);
  }
  await (await d.staking.advanceEpoch()).wait();
  await hre.network.provider.send("evm_setNextBlockTimestamp", [Number(await d.staking.epochStart(1n))]);
  await hre.network.provider.send("evm_mine", []);
  const { chainId } = await ethers.provider.getNetwork();
  d.domain = { name: "XMTPJ Checkpoints", version: "1", chainId, verifyingContract: await d.checkpoints.getAddress() };
  d.ops = ops;
  return d;
}

/** Signatures of the first `k` operators (node ids 1..k, ascending) over (epoch, CUT, root). */
async function signatures(d, k, epoch, root = ROOT) {
  const ids = [];
  const sigs = [];
  for (let i = 0; i < k; i++) {
    ids.push(BigInt(i + 1));
    sigs.push(await d.ops[i].signTypedData(d.domain, TYPES, { epoch, cutHash: CUT, root }));
  }
  return { ids, sigs };
}

/**
 * Appends rows { contract, call, scenario, gas } for submit and submitEvidence. Per set size and mode: the first
 * checkpoint (epoch 0, all n sign; gated, it is also the first reward of every pool, which activates the stake
 * bonded before the snapshot and writes fresh storage), then the steady state: all n signers (epoch 1) and the
 * smallest 2/3 quorum (epoch 2), all under the epoch-0 snapshot.
 */
async function measureCheckpoints(hre, deployAll, deployer, gas) {
  const toEpoch = async (d, e) =>
    hre.network.provider.send("evm_setNextBlockTimestamp", [Number(await d.staking.epochStart(BigInt(e)))]);
  for (const gated of [false, true]) {
    for (const n of [4, 16, 64]) {
      const d = await network(hre, deployAll, deployer, n, gated);
      const mode = gated ? "gated (pays the signers)" : "ungated";
      const first = await signatures(d, n, 0n);
      await gas("Checkpoints", "submit", `${n} of ${n} signers, ${mode}, first checkpoint`, d.checkpoints.submit(0n, CUT, ROOT, first.ids, first.sigs));
      await toEpoch(d, 2);
      const all = await signatures(d, n, 1n);
      await gas("Checkpoints", "submit", `${n} of ${n} signers, ${mode}`, d.checkpoints.submit(1n, CUT, ROOT, all.ids, all.sigs));
      await toEpoch(d, 3);
      const k = Math.ceil((2 * n) / 3);
      const quorum = await signatures(d, k, 2n);
      const quorumMode = gated ? "gated (pays nobody yet: the signature window is open)" : mode;
      await gas("Checkpoints", "submit", `${k} of ${n} signers (2/3), ${quorumMode}`, d.checkpoints.submit(2n, CUT, ROOT, quorum.ids, quorum.sigs));
      // the other members add their signatures within the window; completing the set pays everyone at once (gated)
      const all2 = await signatures(d, n, 2n);
      const rest = { ids: all2.ids.slice(k), sigs: all2.sigs.slice(k) };
      const addMode = gated ? "gated (completes the set: pays all signers)" : "ungated";
      await gas("Checkpoints", "addSignatures", `${n - k} more, completing ${n} of ${n}, ${addMode}`, d.checkpoints.addSignatures(2n, rest.ids, rest.sigs));
      if (!gated && (n === 4 || n === 64)) {
        const other = "0x" + "b2".repeat(32);
        const a = await d.ops[0].signTypedData(d.domain, TYPES, { epoch: 2n, cutHash: CUT, root: ROOT });
        const b = await d.ops[0].signTypedData(d.domain, TYPES, { epoch: 2n, cutHash: CUT, root: other });
        await gas(
          "Checkpoints",
          "submitEvidence",
          `active set of ${n}, reporter paid`,
          d.checkpoints.connect(deployer).submitEvidence(2n, 1n, CUT, ROOT, a, CUT, other, b),
        );
      }
    }
  }
}

module.exports = { measureCheckpoints };
