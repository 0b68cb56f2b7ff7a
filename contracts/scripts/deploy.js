#!/usr/bin/env node
// Deploys every contract to a running node and writes the deployment JSON.
//
//   node scripts/deploy.js [--out FILE] [--rpc URL] [--params FILE.json] [--<parameter> VALUE ...]
//
// FILE also comes from $DEPLOYMENT_FILE (default: deployments/<chainId>.json); URL from $CHAIN_RPC (default
// http://127.0.0.1:8545). The deployer is the node's first unlocked account, or $DEPLOYER_PRIVATE_KEY when set.
// Parameters (see scripts/lib/deploy-all.js DEFAULTS) come from --params, then from flags such as
// --epoch-length 30 --min-self-stake 1000000000000000000000; flags win.
// Under `hardhat run --network localhost scripts/deploy.js` only the environment variables are read.
"use strict";

const fs = require("fs");
const path = require("path");

function parseArgs(argv) {
  const out = { overrides: {} };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) throw new Error(`unexpected argument: ${a}`);
    const key = a.slice(2);
    const value = argv[++i];
    if (value === undefined) throw new Error(`missing value for ${a}`);
    if (key === "out") out.out = value;
    else if (key === "rpc") out.rpc = value;
    else if (key === "params") out.params = value;
    else out.overrides[key.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] = value;
  }
  return out;
}

async function main() {
  // Run directly with node, argv holds our flags; under `hardhat run` it holds hardhat's own.
  const direct = path.basename(process.argv[1] || "") === "deploy.js";
  const args = direct ? parseArgs(process.argv.slice(2)) : { overrides: {} };
  if (args.rpc) process.env.CHAIN_RPC = args.rpc;
  if (!process.env.HARDHAT_NETWORK) process.env.HARDHAT_NETWORK = "localhost";

  const hre = require("hardhat");
  const { ethers } = hre;
  const { deployAll } = require("./lib/deploy-all");

  let overrides = {};
  if (args.params) overrides = JSON.parse(fs.readFileSync(args.params, "utf8"));
  overrides = { ...overrides, ...args.overrides };

  let deployer;
  if (process.env.DEPLOYER_PRIVATE_KEY) {
    deployer = new ethers.Wallet(process.env.DEPLOYER_PRIVATE_KEY, ethers.provider);
  } else {
    [deployer] = await ethers.getSigners();
  }

  const network = await ethers.provider.getNetwork();
  const chainId = Number(network.chainId);
  const t0 = Date.now();
  const d = await deployAll(ethers, { deployer, ...overrides });

  const blocks = Object.values(d.record).map((r) => r.block);
  const stakingAddress = d.record.Staking.address;
  const json = {
    chainId,
    rpc: process.env.CHAIN_RPC || "http://127.0.0.1:8545",
    deployer: deployer.address,
    deployBlock: Math.min(...blocks),
    lastDeployBlock: Math.max(...blocks),
    deployedAt: new Date().toISOString(),
    minterBound: (await d.token.minter()).toLowerCase() === stakingAddress.toLowerCase(),
    consensusBound: (await d.staking.consensus()).toLowerCase() === d.record.Checkpoints.address.toLowerCase(),
    rewardsGatedByCheckpoints: (await d.staking.checkpoints()).toLowerCase() === d.record.Checkpoints.address.toLowerCase(),
    contracts: d.record,
    parameters: Object.fromEntries(
      Object.entries(d.params).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
    ),
    staking: {
      genesisTime: (await d.staking.genesisTime()).toString(),
      epochLength: (await d.staking.epochLength()).toString(),
      maxCandidates: (await d.staking.maxCandidates()).toString(),
    },
  };

  const out = args.out || process.env.DEPLOYMENT_FILE || path.join(__dirname, "..", "deployments", `${chainId}.json`);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(json, null, 2) + "\n");
  fs.renameSync(tmp, out);
  console.log(`deployed to chain ${chainId} in ${Date.now() - t0} ms; deployment written to ${out}`);
  for (const [name, r] of Object.entries(d.record)) console.log(`  ${name.padEnd(17)} ${r.address} (block ${r.block})`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
