"use strict";
const { ethers } = require("hardhat");
const networkHelpers = require("@nomicfoundation/hardhat-network-helpers");
const { deployAll, withDefaults } = require("../scripts/lib/deploy-all");
const { nodeKeyPair, registrationMessage } = require("../scripts/lib/node-keys");

const E18 = 10n ** 18n;
const tokens = (n) => BigInt(n) * E18;
const BPS = 10_000n;
const YEAR = 365n * 24n * 3600n;

/** Small parameters that make every branch reachable with a handful of accounts. */
const TEST_PARAMS = Object.freeze({
  genesisSupply: tokens(10_000_000),
  maxCommissionBps: 5_000,
  commissionIncreaseDelay: 100n,
  epochLength: 100n,
  unbondingPeriod: 300n,
  maxActiveNodes: 3n,
  inflationRateBps: 1_000n,
  minSelfStake: tokens(100),
  reporterRewardBps: 1_000n,
  maxCandidates: 4n,
});

/**
 * The system as scripts/lib/deploy-all.js deploys it, with TEST_PARAMS and `overrides`. Options:
 * - bindConsensus: false leaves Staking without a consensus (as a deployment whose admin is not the deployer).
 * - forwarder (a signer): binds a test consensus instead of the deployment's Checkpoints, before anything is staked:
 *   a ForwardingCheckpoints (contracts/test) that also forwards `slash` and `rewardSigners` from that signer (and,
 *   with gateRewardsByCheckpoints, it is bound for gated rewards too). `d.checkpoints` is that contract and
 *   `d.consensus` the same contract connected to the forwarder, so `d.consensus.slash(nodeId, bps, reporter)` reaches
 *   Staking from its bound consensus without evidence. `d.record.Checkpoints` still names the unbound original.
 */
async function deploySystem(overrides = {}, options = {}) {
  const signers = await ethers.getSigners();
  const deployer = signers[0];
  if (!options.forwarder) {
    const d = await deployAll(ethers, { deployer, ...TEST_PARAMS, ...overrides, bindConsensus: options.bindConsensus });
    return { ...d, signers };
  }
  const { gateRewardsByCheckpoints, ...rest } = overrides;
  const gated = withDefaults({ gateRewardsByCheckpoints }).gateRewardsByCheckpoints;
  const d = await deployAll(ethers, { deployer, ...TEST_PARAMS, ...rest, bindConsensus: false });
  const F = await ethers.getContractFactory("ForwardingCheckpoints", deployer);
  const forwarding = await F.deploy(
    await d.staking.getAddress(),
    await d.registry.getAddress(),
    deployer.address,
    d.params.checkpointSlashBps,
    options.forwarder.address,
  );
  await forwarding.waitForDeployment();
  await (await d.staking.connect(deployer).bindConsensus(await forwarding.getAddress())).wait();
  if (gated) await (await d.staking.connect(deployer).bindCheckpoints(await forwarding.getAddress())).wait();
  return {
    ...d,
    params: { ...d.params, gateRewardsByCheckpoints: gated },
    checkpoints: forwarding,
    consensus: forwarding.connect(options.forwarder),
    signers,
  };
}

/** Staking.Parameter, the kinds of governance proposal. */
const PARAMETER = Object.freeze({
  MaxActiveNodes: 0n,
  InflationRate: 1n,
  MinSelfStake: 2n,
  ReporterReward: 3n,
  Consensus: 4n,
  Checkpoints: 5n,
});

/**
 * Proposes `parameter` = `value` on Staking, waits out the time lock (time.increaseTo the proposal's eta, taken from
 * the mined proposal) and applies it with `fn` (e.g. "setInflationRate"); returns the applying transaction's receipt.
 */
async function governed(d, parameter, value, fn) {
  const proposed = await (await d.staking.propose(parameter, value)).wait();
  const event = proposed.logs.map((l) => d.staking.interface.parseLog(l)).find((e) => e && e.name === "ChangeProposed");
  await networkHelpers.time.increaseTo(event.args.eta);
  return (await d.staking[fn](value)).wait();
}

/** Distinct, deterministic Ed25519 node keys (public keys of nodeKeyPair(i), so registrations can be signed). */
const nodeKey = (i) => nodeKeyPair(i).publicKey;

/**
 * The proof of possession NodeRegistry.register takes: node key pair `i` (or a key pair object) signs the
 * registration message for `operator` (a signer or an address) at `registry` on the current chain.
 */
async function registrationSignature(registry, operator, i) {
  const pair = typeof i === "object" ? i : nodeKeyPair(i);
  const { chainId } = await ethers.provider.getNetwork();
  const address = typeof operator === "string" ? operator : operator.address;
  return pair.sign(registrationMessage(chainId, await registry.getAddress(), address, pair.publicKey));
}

/** registry.connect(op).register with node key pair `i`, signed for `op`: the transaction (not awaited). */
async function registerNode(registry, op, i, endpoint = `https://node${i}.example:5556`, commissionBps = 1_000) {
  return registry.connect(op).register(nodeKey(i), endpoint, commissionBps, await registrationSignature(registry, op, i));
}

/** Gives `who` `amount` tokens from the genesis holder and approves Staking for them. */
async function fund(d, who, amount) {
  await (await d.token.connect(d.signers[0]).transfer(who.address, amount)).wait();
  await (await d.token.connect(who).approve(await d.staking.getAddress(), amount)).wait();
}

/** Registers `op` as a node and self-stakes `stake`; returns the node id. */
async function registerAndStake(d, op, i, stake, commissionBps = 1_000) {
  await (await registerNode(d.registry, op, i, `https://node${i}.example:5556`, commissionBps)).wait();
  const id = await d.registry.nodeIdOfOperator(op.address);
  if (stake > 0n) {
    await fund(d, op, stake);
    await (await d.staking.connect(op).delegate(id, stake)).wait();
  }
  return id;
}

/** Expected inflation credited by one advanceEpoch over `epochs` epochs, computed like the contract. */
async function expectedReward(d, epochs) {
  const supply = await d.token.totalSupply();
  const outstanding = (await d.staking.rewardsCredited()) - (await d.staking.rewardsClaimed());
  const rate = await d.staking.inflationRateBps();
  const len = await d.staking.epochLength();
  return ((supply + outstanding) * rate * len * BigInt(epochs)) / (BPS * YEAR);
}

// Time in these tests. Hardhat stamps a new block with max(previous block + 1, wall clock + offset), so the
// timestamp a transaction will get is not known before it is mined: "latest + 1" is wrong whenever the wall clock
// ticks in between (or the transaction was already mined when "latest" was read). Expectations about a
// transaction's time therefore come from its receipt (minedAt); lastBlockTime only chooses inputs.

/** The timestamp (BigInt) of the block that mined `tx`: a transaction response, or a promise of one. */
async function minedAt(tx) {
  const receipt = await (await tx).wait();
  return BigInt((await ethers.provider.getBlock(receipt.blockNumber)).timestamp);
}

/**
 * The timestamp (BigInt) of the newest mined block. Only for choosing inputs (a deadline, a time to move to) while
 * no transaction is in flight; never as the expected time of a transaction about to be mined (see minedAt). The
 * next block is at least one second later.
 */
async function lastBlockTime() {
  return BigInt(await networkHelpers.time.latest());
}

/**
 * hardhat-network-helpers' loadFixture, with the next block pinned one second after the fixture's newest block.
 * Without the pin the chain clock after a restore runs ahead by the wall time since the snapshot was taken (the EDR
 * of Hardhat 2.29 even adds it twice: a fixture restored 8 s after its snapshot mines its next block 16 s later),
 * so on a slow machine a test could start in the next epoch or past half of one. With it, every test that loads a
 * fixture starts from the same chain time.
 */
async function loadFixture(fixture) {
  const data = await networkHelpers.loadFixture(fixture);
  await networkHelpers.time.setNextBlockTimestamp((await lastBlockTime()) + 1n);
  return data;
}

/**
 * Moves time to the start of epoch `e` (plus `offset` seconds): the next block is mined exactly then, or, if the
 * chain is already past that time, at the next second.
 */
async function toEpoch(d, e, offset = 0n) {
  const t = (await d.staking.epochStart(e)) + BigInt(offset);
  if (t > (await lastBlockTime())) await networkHelpers.time.setNextBlockTimestamp(t);
}

/** The EIP-712 domain and type of Checkpoints' signed message. */
async function checkpointDomain(d) {
  const { chainId } = await ethers.provider.getNetwork();
  return { name: "XMTPJ Checkpoints", version: "1", chainId, verifyingContract: await d.checkpoints.getAddress() };
}
const CHECKPOINT_TYPES = Object.freeze({
  Checkpoint: [
    { name: "epoch", type: "uint64" },
    { name: "cutHash", type: "bytes32" },
    { name: "root", type: "bytes32" },
  ],
});

/** `signer`'s (an operator's) EIP-712 signature over (epoch, cutHash, root). */
async function signCheckpoint(d, signer, epoch, cutHash, root) {
  return signer.signTypedData(await checkpointDomain(d), CHECKPOINT_TYPES, { epoch, cutHash, root });
}

module.exports = {
  E18,
  tokens,
  BPS,
  YEAR,
  TEST_PARAMS,
  deploySystem,
  PARAMETER,
  governed,
  nodeKey,
  fund,
  registerAndStake,
  registerNode,
  registrationSignature,
  expectedReward,
  minedAt,
  lastBlockTime,
  loadFixture,
  toEpoch,
  checkpointDomain,
  CHECKPOINT_TYPES,
  signCheckpoint,
};
