// Deploys Token, NodeRegistry, Staking and IdentityRegistry with ethers (used by scripts/deploy.js and the tests).
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
});

function withDefaults(overrides = {}) {
  const p = { ...DEFAULTS };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined || v === null) continue;
    if (!(k in DEFAULTS)) throw new Error(`unknown deployment parameter: ${k}`);
    p[k] = typeof DEFAULTS[k] === "bigint" ? BigInt(v) : typeof DEFAULTS[k] === "number" ? Number(v) : v;
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
 * @param opts    { deployer?, admin?, genesisHolder?, ...parameter overrides }
 * @returns       { token, registry, staking, identity, params, record }
 */
async function deployAll(ethers, opts = {}) {
  const { deployer: deployerOpt, admin: adminOpt, genesisHolder: holderOpt, ...overrides } = opts;
  const params = withDefaults(overrides);
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

  // Staking becomes the one and only minter. Only possible while the deployer is the token admin.
  if (admin.toLowerCase() === deployer.address.toLowerCase()) {
    await (await token.connect(deployer).bindMinter(await staking.getAddress())).wait();
  }
  return { token, registry, staking, identity, params, record, deployer, admin };
}

module.exports = { DEFAULTS, withDefaults, deployAll };
