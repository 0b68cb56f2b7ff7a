#!/usr/bin/env node
// Measures gasUsed of the main calls on Hardhat's in-process EVM and writes gas-report.md.
//
//   npx hardhat run scripts/gas-report.js            (or: npm run gas)
//
// Output path: $GAS_REPORT or <contracts>/gas-report.md. The worst case of advanceEpoch (200 candidates, 100
// active nodes) needs ~800 set-up transactions and takes about half a minute; the Checkpoints measurements
// (scripts/lib/gas-checkpoints.js: 4, 16 and 64 signers, ungated and gated) about as many again.
"use strict";

const fs = require("fs");
const path = require("path");
const hre = require("hardhat");
const { ethers, network } = hre;
const { deployAll } = require("./lib/deploy-all");
const { measureCheckpoints } = require("./lib/gas-checkpoints");
const { keyPairFromLabel, signRegistration } = require("./lib/node-keys");

const E18 = 10n ** 18n;
const tokens = (n) => BigInt(n) * E18;
const rows = [];

async function gas(contract, call, scenario, txPromise) {
  const rc = await (await txPromise).wait();
  rows.push({ contract, call, scenario, gas: rc.gasUsed });
  return rc;
}

/** register(...) of node key pair `label` by `op`, with its proof of possession. */
async function register(registry, op, label, endpoint, commissionBps) {
  const { nodeKey, signature } = await signRegistration(registry, op.address, keyPairFromLabel(label));
  return registry.connect(op).register(nodeKey, endpoint, commissionBps, signature);
}

async function nextEpoch(staking) {
  const e = (await staking.currentEpoch()) + 1n;
  await network.provider.send("evm_setNextBlockTimestamp", [Number(await staking.epochStart(e))]);
}

// Deterministic keys and data, so that calldata (and so gas) is the same on every run.
let walletSeq = 0;
const seeded = (label) => new ethers.Wallet(ethers.keccak256(ethers.toUtf8Bytes(label)));

async function freshWallets(n, deployer, token, staking, amount) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const w = seeded(`gas-wallet-${walletSeq++}`).connect(ethers.provider);
    await network.provider.send("hardhat_setBalance", [w.address, "0x56BC75E2D63100000"]); // 100 ETH
    await (await token.connect(deployer).transfer(w.address, amount)).wait();
    await (await token.connect(w).approve(await staking.getAddress(), ethers.MaxUint256)).wait();
    out.push(w);
  }
  return out;
}

async function main() {
  const [deployer, op1, op2, del1, del2, consensus, reporter, alice, relayer] = await ethers.getSigners();
  const params = {
    epochLength: 3600n,
    unbondingPeriod: 7200n,
    maxActiveNodes: 100n,
    minSelfStake: tokens(100),
    inflationRateBps: 500n,
    reporterRewardBps: 1000n,
  };

  // ---------------------------------------------------------------- deployment
  // Without the consensus binding: this network's consensus is a test contract that forwards `consensus`'s slashes
  // (contracts/test/ForwardingCheckpoints.sol), bound before anything is staked; the deployments below bind Checkpoints.
  const d = await deployAll(ethers, { deployer, ...params, bindConsensus: false });
  for (const [name, r] of Object.entries(d.record)) {
    const rc = await ethers.provider.getTransactionReceipt(r.txHash);
    rows.push({ contract: name, call: "deploy", scenario: "constructor", gas: rc.gasUsed });
  }
  const { token, registry, staking, identity } = d;
  const S = await staking.getAddress();
  const forwarding = await (await ethers.getContractFactory("ForwardingCheckpoints", deployer)).deploy(
    S,
    await registry.getAddress(),
    deployer.address,
    d.params.checkpointSlashBps,
    consensus.address,
  );
  await forwarding.waitForDeployment();
  await gas("Staking", "bindConsensus", "before any stake (immediate)", staking.bindConsensus(await forwarding.getAddress()));

  // ---------------------------------------------------------------- token
  await gas("Token", "transfer", "to a fresh account", token.transfer(op1.address, tokens(100_000)));
  await gas("Token", "transfer", "to an account with a balance", token.transfer(op1.address, tokens(100_000)));
  for (const a of [op2, del1, del2, alice]) await (await token.transfer(a.address, tokens(200_000))).wait();
  await gas("Token", "approve", "", token.connect(op1).approve(S, ethers.MaxUint256));
  for (const a of [op2, del1, del2]) await (await token.connect(a).approve(S, ethers.MaxUint256)).wait();
  await gas("Token", "burn", "", token.connect(alice).burn(tokens(1)));

  // ---------------------------------------------------------------- node registry
  const key = (i) => `gas-node-${i}`;
  // the proof of possession dominates: one Ed25519 verification of the 130-byte registration message
  await gas("NodeRegistry", "register", "endpoint of 31 bytes, Ed25519 proof of possession", register(registry, op1, key(1), "https://node-1.example.org:5556", 1000));
  await (await register(registry, op2, key(2), "https://node-2.example.org:5556", 500)).wait();
  await gas("NodeRegistry", "updateEndpoint", "31 bytes", registry.connect(op1).updateEndpoint(1, "https://node-1.example.net:5556"));
  await gas("NodeRegistry", "setCommission", "decrease (immediate)", registry.connect(op1).setCommission(1, 900));
  await gas("NodeRegistry", "setCommission", "increase (scheduled)", registry.connect(op1).setCommission(1, 1000));

  // ---------------------------------------------------------------- staking
  await gas("Staking", "delegate", "first self-stake (becomes candidate)", staking.connect(op1).delegate(1, tokens(1000)));
  await (await staking.connect(op2).delegate(2, tokens(800))).wait();
  await gas("Staking", "delegate", "new delegation", staking.connect(del1).delegate(1, tokens(500)));
  await gas("Staking", "delegate", "top-up, same epoch", staking.connect(del1).delegate(1, tokens(100)));
  await gas("Staking", "advanceEpoch", "2 candidates, no previous set", staking.advanceEpoch());
  await nextEpoch(staking);
  await gas("Staking", "advanceEpoch", "2 candidates, rewards to 2 nodes", staking.advanceEpoch());
  await gas("Staking", "delegate", "top-up after a snapshot (activates pending)", staking.connect(del1).delegate(1, tokens(100)));
  await gas("Staking", "undelegate", "partial", staking.connect(del1).undelegate(1, tokens(50)));
  await gas("Staking", "claimRewards", "first claim (mints to the claimer)", staking.connect(op1).claimRewards(1));
  await gas("Staking", "claimCommission", "", staking.connect(op1).claimCommission(1));
  await gas("Staking", "slash", "bonded + unbonding, reporter paid (through a forwarding consensus contract)", forwarding.connect(consensus).slash(1, 100, reporter.address));
  await network.provider.send("evm_increaseTime", [7200]);
  await gas("Staking", "withdraw", "", staking.connect(del1).withdraw(1));

  // Constant gas per claim: the same claim with 1 and with 40 delegators on the node.
  await (await staking.connect(del2).delegate(2, tokens(10))).wait();
  await nextEpoch(staking);
  await (await staking.advanceEpoch()).wait();
  await nextEpoch(staking);
  await (await staking.advanceEpoch()).wait();
  await (await staking.connect(del2).claimRewards(2)).wait(); // first claim also activates del2's pending shares
  await nextEpoch(staking);
  await (await staking.advanceEpoch()).wait();
  await gas("Staking", "claimRewards", "node with 2 stakers", staking.connect(del2).claimRewards(2));
  const crowd = await freshWallets(40, deployer, token, staking, tokens(20));
  for (const w of crowd) await (await staking.connect(w).delegate(2, tokens(10))).wait();
  await nextEpoch(staking);
  await (await staking.advanceEpoch()).wait();
  await nextEpoch(staking);
  await (await staking.advanceEpoch()).wait();
  await gas("Staking", "claimRewards", "node with 42 stakers", staking.connect(del2).claimRewards(2));

  // Governance once stake exists: propose, wait out timelockDelay(), apply; a cancelled proposal (Staking.Parameter
  // 1: the inflation rate, 3: the reporter reward).
  const proposed = await gas("Staking", "propose", "inflation rate", staking.propose(1, 550));
  const eta = proposed.logs.map((l) => staking.interface.parseLog(l)).find((e) => e && e.name === "ChangeProposed").args.eta;
  await network.provider.send("evm_setNextBlockTimestamp", [Number(eta)]);
  await gas("Staking", "setInflationRate", "applies a matured proposal", staking.setInflationRate(550));
  await (await staking.propose(3, 500)).wait();
  await gas("Staking", "cancel", "reporter reward proposal", staking.cancel(3));

  // ---------------------------------------------------------------- identity registry
  let idSeq = 0;
  const idKey = () => seeded(`gas-identity-${idSeq++}`).signingKey.publicKey;
  const topic = (a) => `/xmtp/0/invite-${a}/proto`;
  await gas("IdentityRegistry", "register", "OPEN, conventional 63-byte topic", identity.connect(alice).register(idKey(), topic(alice.address), 0, 0, "0x", 30, 0));
  await gas("IdentityRegistry", "update", "same topic, FEE policy", identity.connect(alice).update(idKey(), topic(alice.address), 1, tokens(1), "0x", 60, 1));
  await gas("IdentityRegistry", "update", "new topic, CREDENTIAL, 96-byte issuer key", identity.connect(alice).update(idKey(), topic(alice.address) + "/2", 2, 0, ethers.concat([ethers.id("issuer-1"), ethers.id("issuer-2"), ethers.id("issuer-3")]), 60, 0));
  await gas("IdentityRegistry", "revoke", "", identity.connect(alice).revoke());
  const chainId = (await ethers.provider.getNetwork()).chainId;
  const domain = { name: "XMTPJ IdentityRegistry", version: "1", chainId, verifyingContract: await identity.getAddress() };
  const F = [
    ["wallet", "address"], ["identityKey", "bytes"], ["inviteTopic", "string"], ["publishPolicy", "uint8"], ["fee", "uint256"],
    ["credentialIssuerKey", "bytes"], ["retentionDays", "uint16"], ["evictionPolicy", "uint8"], ["nonce", "uint256"], ["deadline", "uint256"],
  ].map(([name, type]) => ({ name, type }));
  const deadline = 4_000_000_000n; // fixed (year 2096), so the signatures and their calldata gas never change
  const e = { identityKey: idKey(), inviteTopic: topic(alice.address), publishPolicy: 0, fee: 0n, credentialIssuerKey: "0x", retentionDays: 30, evictionPolicy: 0 };
  const eArgs = (x) => [x.identityKey, x.inviteTopic, x.publishPolicy, x.fee, x.credentialIssuerKey, x.retentionDays, x.evictionPolicy];
  let sig = await alice.signTypedData(domain, { Register: F }, { wallet: alice.address, ...e, nonce: await identity.nonces(alice.address), deadline });
  await gas("IdentityRegistry", "registerFor", "EIP-712, EOA", identity.connect(relayer).registerFor(alice.address, ...eArgs(e), deadline, sig));
  const e2 = { ...e, retentionDays: 90 };
  sig = await alice.signTypedData(domain, { Update: F }, { wallet: alice.address, ...e2, nonce: await identity.nonces(alice.address), deadline });
  await gas("IdentityRegistry", "updateFor", "EIP-712, EOA", identity.connect(relayer).updateFor(alice.address, ...eArgs(e2), deadline, sig));
  sig = await alice.signTypedData(
    domain,
    { Revoke: [{ name: "wallet", type: "address" }, { name: "nonce", type: "uint256" }, { name: "deadline", type: "uint256" }] },
    { wallet: alice.address, nonce: await identity.nonces(alice.address), deadline },
  );
  await gas("IdentityRegistry", "revokeFor", "EIP-712, EOA", identity.connect(relayer).revokeFor(alice.address, deadline, sig));

  await gas("NodeRegistry", "deregister", "", registry.connect(op2).deregister(2));

  // ---------------------------------------------------------------- worst case of the epoch transition
  // A fresh deployment: 200 candidates (the ceiling), N = 100 (the ceiling), every node in the previous set
  // with a pending batch to activate during the reward distribution.
  const w = await deployAll(ethers, { deployer, ...params });
  const ops = await freshWallets(201, deployer, w.token, w.staking, tokens(2_000));
  for (let i = 0; i < 200; i++) {
    await (await register(w.registry, ops[i], key(1000 + i), `https://n${i}.example.org:5556`, 1000)).wait();
    await (await w.staking.connect(ops[i]).delegate(i + 1, tokens(100 + ((i * 7) % 50)))).wait();
  }
  await gas("Staking", "advanceEpoch", "worst case: 200 candidates, N=100, no previous set", w.staking.advanceEpoch());
  await nextEpoch(w.staking);
  await gas("Staking", "advanceEpoch", "worst case: 200 candidates, N=100, rewards to 100 nodes (pending activation)", w.staking.advanceEpoch());
  await nextEpoch(w.staking);
  await gas("Staking", "advanceEpoch", "steady state: 200 candidates, N=100, rewards to 100 nodes", w.staking.advanceEpoch());
  await (await register(w.registry, ops[200], key(5000), "https://n200.example.org:5556", 1000)).wait();
  await (await w.staking.connect(ops[200]).delegate(201, tokens(1_000))).wait();
  await gas("Staking", "claimCandidacy", "full list of 200: scan and evict", w.staking.claimCandidacy(201));

  // ---------------------------------------------------------------- checkpoints
  await measureCheckpoints(hre, deployAll, deployer, gas);

  // ---------------------------------------------------------------- write the report
  const blockGasLimit = (await ethers.provider.getBlock("latest")).gasLimit;
  const lines = [];
  lines.push("# Gas report");
  lines.push("");
  lines.push(`Generated by \`scripts/gas-report.js\` (\`npm run gas\`) on Hardhat ${require("hardhat/package.json").version}'s in-process EVM,`);
  lines.push(`solc ${require("solc/package.json").version} (optimizer on, 200 runs, evm cancun). gasUsed of each transaction receipt, intrinsic cost included.`);
  lines.push(`Block gas limit of the local chain: ${blockGasLimit.toLocaleString("en-US")}.`);
  lines.push("");
  lines.push("| contract | call | scenario | gas |");
  lines.push("|---|---|---|---:|");
  for (const r of rows) lines.push(`| ${r.contract} | ${r.call} | ${r.scenario} | ${r.gas.toLocaleString("en-US")} |`);
  lines.push("");
  const out = process.env.GAS_REPORT || path.join(__dirname, "..", "gas-report.md");
  fs.writeFileSync(out, lines.join("\n"));
  console.log(lines.join("\n"));
  console.log(`\nwritten to ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
