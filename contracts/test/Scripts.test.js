"use strict";
// The files the Java `chain` module will drive: start-node.sh starts `hardhat node`, deploy.js deploys to it and
// writes the deployment JSON, stop-node.sh stops it. Runs against a real node process on a port the node binds
// itself (start-node.sh with port 0), so it cannot collide with another process.
const { expect } = require("chai");
const { execFileSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

const ROOT = path.join(__dirname, "..");

async function rpc(url, method, params = []) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await res.json()).result;
}

describe("scripts: start-node.sh, deploy.js, stop-node.sh", function () {
  this.timeout(90_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "xmtpj-contracts-"));
  const pidfile = path.join(dir, "node.pid");
  const logfile = path.join(dir, "node.log");
  const out = path.join(dir, "deployment.json");

  after(function () {
    if (fs.existsSync(pidfile)) execFileSync("bash", [path.join(ROOT, "scripts/stop-node.sh"), pidfile]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("starts a node, deploys, writes the deployment file, stops the node", async function () {
    const started = execFileSync("bash", [path.join(ROOT, "scripts/start-node.sh"), "0", pidfile, logfile], { encoding: "utf8" });
    const ready = started.match(/^ready (http:\/\/127\.0\.0\.1:(\d+)) chainId=31337 pid=(\d+)$/m);
    expect(ready, started).to.not.equal(null);
    const [, url, port, readyPid] = ready;
    expect(Number(port)).to.be.greaterThan(0);
    const pid = Number(fs.readFileSync(pidfile, "utf8").trim());
    expect(pid).to.equal(Number(readyPid));
    expect(() => process.kill(pid, 0)).to.not.throw();
    expect(await rpc(url, "eth_chainId")).to.equal("0x7a69");

    // A second start on the port the first one bound is refused (and so is one with the same PID file).
    const other = path.join(dir, "other");
    expect(() => execFileSync("bash", [path.join(ROOT, "scripts/start-node.sh"), port, `${other}.pid`, `${other}.log`], { stdio: "pipe" }))
      .to.throw(/already serving JSON-RPC/);
    expect(() => execFileSync("bash", [path.join(ROOT, "scripts/start-node.sh"), "0", pidfile, logfile], { stdio: "pipe" }))
      .to.throw(/already running/);

    const env = { ...process.env, DEPLOYMENT_FILE: out };
    delete env.HARDHAT_NETWORK;
    execFileSync("node", [path.join(ROOT, "scripts/deploy.js"), "--rpc", url, "--epoch-length", "90"], { cwd: ROOT, env, stdio: "pipe" });
    const dep = JSON.parse(fs.readFileSync(out, "utf8"));
    expect(dep.chainId).to.equal(31337);
    expect(dep.deployBlock).to.be.a("number");
    expect(dep.minterBound).to.equal(true);
    expect(dep.consensusBound).to.equal(true); // Staking.consensus() is this deployment's Checkpoints
    expect(dep.parameters.epochLength).to.equal("90");
    expect(dep.parameters.commissionIncreaseDelay).to.equal("90"); // raised to one epoch
    expect(dep.rewardsGatedByCheckpoints).to.equal(false);
    expect(dep.parameters.gateRewardsByCheckpoints).to.equal(false);
    for (const name of ["Token", "NodeRegistry", "Staking", "IdentityRegistry", "Checkpoints"]) {
      expect(dep.contracts[name].address).to.match(/^0x[0-9a-fA-F]{40}$/);
      const code = await rpc(url, "eth_getCode", [dep.contracts[name].address, "latest"]);
      expect(code.length).to.be.greaterThan(2);
    }

    // The same chain, a second deployment with rewards gated by its Checkpoints contract.
    const gatedOut = path.join(dir, "gated.json");
    execFileSync("node", [path.join(ROOT, "scripts/deploy.js"), "--rpc", url, "--out", gatedOut, "--gate-rewards-by-checkpoints", "true"], { cwd: ROOT, env, stdio: "pipe" });
    const gated = JSON.parse(fs.readFileSync(gatedOut, "utf8"));
    expect(gated.rewardsGatedByCheckpoints).to.equal(true);
    expect(gated.parameters.gateRewardsByCheckpoints).to.equal(true);
    expect(() => execFileSync("node", [path.join(ROOT, "scripts/deploy.js"), "--rpc", url, "--out", gatedOut, "--gate-rewards-by-checkpoints", "maybe"], { cwd: ROOT, env, stdio: "pipe" }))
      .to.throw(/must be true or false/);

    execFileSync("bash", [path.join(ROOT, "scripts/stop-node.sh"), pidfile]);
    expect(fs.existsSync(pidfile)).to.equal(false);
    let alive = true;
    try {
      process.kill(pid, 0);
    } catch {
      alive = false;
    }
    expect(alive).to.equal(false);
  });
});
