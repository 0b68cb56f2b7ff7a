// Deploys Token, NodeRegistry, Staking, IdentityRegistry and Checkpoints with ethers (used by scripts/deploy.js and
// the tests).
"use strict";

/** Defaults: a devnet-friendly network (short epochs), overridable field by field. */
const DEFAULTS = Object.freeze({
  tokenName: "XMTPJ Network Token",
  tokenSymbol: "XMTPJ",
  genesisSupply: 1_000_000_000n * 10n ** 18n, // minted once to the genesis holder (the deployer by default)
  maxCommissionBps: 5_000, // 50%
  commissionIncreaseDelay: 60n, // seconds; raised to epochLength when not given, so delegators get an epoch of notice
  genesisTime: 0n, // 0 = the Staking deploy block's timestamp
  epochLength: 60n, // seconds
  unbondingPeriod: 120n, // seconds
  maxActiveNodes: 10n,
  inflationRateBps: 500n, // 5% a year
  minSelfStake: 10_000n * 10n ** 18n,
  reporterRewardBps: 1_000n, // 10% of a slash goes to the reporter, the rest is burned
  maxCandidates: 0n, // 0 = the contract's ceiling (200)
  checkpointSlashBps: 500n, // 5% of a node's stake per double signature (Checkpoints, governance: 1..5000)
  gateRewardsByCheckpoints: false, // true: Staking pays each epoch only to the signers of its checkpoint
});

function asBoolean(k, v) {
  if (v === true || v === "true" || v === "1" || v === 1) return true;
  if (v === false || v === "false" || v === "0" || v === 0) return false;
  throw new Error(`deployment parameter ${k} must be true or false, got ${v}`);
}

function withDefaults(overrides = {}) {
  const p = { ...DEFAULTS };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined || v === null) continue;
    if (!(k in DEFAULTS)) throw new Error(`unknown deployment parameter: ${k}`);
    const kind = typeof DEFAULTS[k];
    p[k] = kind === "bigint" ? BigInt(v) : kind === "number" ? Number(v) : kind === "boolean" ? asBoolean(k, v) : v;
  }
  const delayGiven = overrides.commissionIncreaseDelay !== undefined && overrides.commissionIncreaseDelay !== null;
  if (!delayGiven && p.commissionIncreaseDelay < p.epochLength) p.commissionIncreaseDelay = p.epochLength;
  return p;
}

async function deployed(factoryPromise, args, record, name) {
  const factory = await factoryPromise;
  const c = await factory.deploy(...args);
  const receipt = await c.deploymentTransaction().wait();
  record[name] = { address: await c.getAddress(), block: receipt.blockNumber, txHash: receipt.hash };
  return c;
}

/**
 * @param ethers  hardhat's ethers (hre.ethers)
 * @param opts    { deployer?, admin?, genesisHolder?, bindConsensus?, ...parameter overrides }; bindConsensus false
 *                leaves Staking without a consensus (and ungated), for governance to bind one later (tests bind a
 *                test consensus contract that way); default true
 * @returns       { token, registry, staking, identity, checkpoints, params, record, deployer, admin }
 */
async function deployAll(ethers, opts = {}) {
  const { deployer: deployerOpt, admin: adminOpt, genesisHolder: holderOpt, bindConsensus: bindOpt, ...overrides } = opts;
  const params = withDefaults(overrides);
  const bindConsensus = bindOpt === undefined || bindOpt === null ? true : asBoolean("bindConsensus", bindOpt);
  if (!bindConsensus && params.gateRewardsByCheckpoints) {
    throw new Error("gateRewardsByCheckpoints needs the Checkpoints contract bound as consensus (bindConsensus)");
  }
  const deployer = deployerOpt || (await ethers.getSigners())[0];
  const admin = adminOpt || deployer.address;
  const holder = holderOpt || deployer.address;
  const record = {};

  const token = await deployed(
    ethers.getContractFactory("Token", deployer),
    [params.tokenName, params.tokenSymbol, admin, holder, params.genesisSupply],
    record,
    "Token",
  );
  const registry = await deployed(
    ethers.getContractFactory("NodeRegistry", deployer),
    [params.maxCommissionBps, params.commissionIncreaseDelay],
    record,
    "NodeRegistry",
  );
  const staking = await deployed(
    ethers.getContractFactory("Staking", deployer),
    [
      await token.getAddress(),
      await registry.getAddress(),
      admin,
      {
        genesisTime: params.genesisTime,
        epochLength: params.epochLength,
        unbondingPeriod: params.unbondingPeriod,
        maxActiveNodes: params.maxActiveNodes,
        inflationRateBps: params.inflationRateBps,
        minSelfStake: params.minSelfStake,
        reporterRewardBps: params.reporterRewardBps,
        maxCandidates: params.maxCandidates,
      },
    ],
    record,
    "Staking",
  );
  const identity = await deployed(ethers.getContractFactory("IdentityRegistry", deployer), [], record, "IdentityRegistry");
  // Deployed last so that the other contracts keep the addresses they had before Checkpoints existed.
  const checkpoints = await deployed(
    ethers.getContractFactory("Checkpoints", deployer),
    [await staking.getAddress(), await registry.getAddress(), admin, params.checkpointSlashBps],
    record,
    "Checkpoints",
  );

  // Staking becomes the one and only minter; Checkpoints becomes Staking's consensus, the one contract that may slash
  // (and, gated, reward), bound for good. Only possible while the deployer is the admin (and governance), and done
  // before anything is staked: then Staking applies the bindings at once (later they would wait for a time lock).
  if (admin.toLowerCase() === deployer.address.toLowerCase()) {
    await (await token.connect(deployer).bindMinter(await staking.getAddress())).wait();
    if (bindConsensus) {
      const checkpointsAddress = await checkpoints.getAddress();
      await (await staking.connect(deployer).bindConsensus(checkpointsAddress)).wait();
      if (params.gateRewardsByCheckpoints) {
        await (await staking.connect(deployer).bindCheckpoints(checkpointsAddress)).wait();
      }
    }
  }
  return { token, registry, staking, identity, checkpoints, params, record, deployer, admin };
}

module.exports = { DEFAULTS, withDefaults, deployAll };
