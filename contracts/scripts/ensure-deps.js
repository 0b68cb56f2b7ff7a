#!/usr/bin/env node
// Runs `npm ci` in contracts/ only when the installed packages are missing or older than package-lock.json.
//
//   node scripts/ensure-deps.js
//
// The Maven build of the `chain` module calls this before compiling the contracts. It must not touch the
// network when node_modules is already current, so that offline builds keep working: npm writes
// node_modules/.package-lock.json at the end of every install, and that file being at least as new as
// package-lock.json is taken as "installed from this lock file".
"use strict";

const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const here = path.join(__dirname, "..");
const lock = path.join(here, "package-lock.json");
const installed = path.join(here, "node_modules", ".package-lock.json");

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

function main() {
  const installedAt = mtime(installed);
  if (installedAt >= 0 && installedAt >= mtime(lock)) {
    console.log("contracts/node_modules is up to date with package-lock.json; npm ci skipped");
    return 0;
  }
  console.log(installedAt < 0 ? "contracts/node_modules missing: running npm ci" : "package-lock.json changed: running npm ci");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const r = spawnSync(npm, ["ci", "--no-audit", "--no-fund"], { cwd: here, stdio: "inherit" });
  if (r.error) {
    console.error(`cannot run ${npm}: ${r.error.message}`);
    return 1;
  }
  return r.status === null ? 1 : r.status;
}

process.exit(main());
