#!/usr/bin/env node
// Compiles the contracts with Hardhat and writes <Name>.abi (JSON) and <Name>.bin (hex, no 0x) for each
// deployable contract into an output directory, for web3j's wrapper generator.
//
//   node scripts/export-abi.js --out DIR
//
// Compiling through Hardhat (rather than solc-js directly) keeps one set of compiler settings
// (hardhat.config.js) and leaves artifacts/ in place, which scripts/deploy.js needs: the bytecode the Java
// wrappers carry is then exactly the bytecode that deploy.js deploys. Files are rewritten only when their
// content changes, so an unchanged build does not make Maven recompile the wrappers.
"use strict";

const fs = require("fs");
const path = require("path");

const CONTRACTS = ["Token", "NodeRegistry", "Staking", "IdentityRegistry", "Checkpoints"];

function parseOut(argv) {
  const i = argv.indexOf("--out");
  if (i < 0 || !argv[i + 1]) throw new Error("usage: node scripts/export-abi.js --out DIR");
  return path.resolve(argv[i + 1]);
}

function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === content) return false;
  fs.writeFileSync(file, content);
  return true;
}

async function main() {
  const out = parseOut(process.argv.slice(2));
  // Hardhat finds its config from the working directory.
  process.chdir(path.join(__dirname, ".."));
  const hre = require("hardhat");
  await hre.run("compile", { quiet: true });

  fs.mkdirSync(out, { recursive: true });
  let written = 0;
  for (const name of CONTRACTS) {
    const artifact = await hre.artifacts.readArtifact(name);
    // No 0x and no trailing newline: web3j embeds the file verbatim as the deploy bytecode.
    const bin = artifact.bytecode.replace(/^0x/, "");
    if (writeIfChanged(path.join(out, `${name}.abi`), JSON.stringify(artifact.abi, null, 2) + "\n")) written++;
    if (writeIfChanged(path.join(out, `${name}.bin`), bin)) written++;
  }
  console.log(`exported ${CONTRACTS.length} contracts to ${out} (${written} files changed)`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
