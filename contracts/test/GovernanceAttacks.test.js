"use strict";
// Attacks by the key that holds Staking's DEFAULT_ADMIN_ROLE and GOVERNANCE_ROLE (the deployer). The finding: that key
// alone could grant itself CONSENSUS_ROLE, raise the reporter reward to 100 % and slash any node 99.99 % to itself.
// The rule enforced now: no role moves or takes stake without evidence verified on chain (only the bound consensus
// contract slashes, and it is bound once, time-locked as soon as anything is staked); parameter changes are bounded
// and time-locked.
const { expect } = require("chai");
const { ethers, network } = require("hardhat");
const { time } = require("@nomicfoundation/hardhat-network-helpers");
const { deploySystem, PARAMETER: P, tokens, fund, registerAndStake, minedAt, loadFixture } = require("./helpers");

/** Whether the transaction `send()` returns gets mined without reverting. */
async function succeeds(send) {
  try {
    await (await send()).wait();
    return true;
  } catch {
    return false;
  }
}

describe("Staking governance attacks", function () {
  // signers: 0 deployer (admin + governance), 1..2 operators of nodes 1 (the victim) and 2, 3 a delegator of node 1
  async function stake(d) {
    [d.admin, d.op1, d.op2, d.del] = d.signers;
    d.victim = await registerAndStake(d, d.op1, 1, tokens(400));
    await registerAndStake(d, d.op2, 2, tokens(300));
    await fund(d, d.del, tokens(100));
    await (await d.staking.connect(d.del).delegate(d.victim, tokens(100))).wait();
    d.CONSENSUS = await d.staking.CONSENSUS_ROLE();
    return d;
  }
  /** The deployment as deploy-all.js makes it (Checkpoints bound as consensus), then stake on two nodes. */
  const staked = async () => stake(await deploySystem());
  /** The same with no consensus bound (as when the admin is not the deployer), then stake. */
  const stakedUnbound = async () => stake(await deploySystem({}, { bindConsensus: false }));

  /** A fresh Checkpoints contract for `d`'s Staking (a candidate consensus). */
  async function newCheckpoints(d) {
    const F = await ethers.getContractFactory("Checkpoints");
    const c = await F.deploy(await d.staking.getAddress(), await d.registry.getAddress(), d.signers[0].address, 500n);
    await c.waitForDeployment();
    return c.getAddress();
  }

  it("the finding's sequence (grant CONSENSUS_ROLE to itself, reporter reward 100 %, slash 99.99 % to itself) leaves the victim's stake intact", async function () {
    const d = await loadFixture(staked);
    const pool = await d.staking.poolOf(d.victim);
    const balance = await d.token.balanceOf(d.admin.address);
    const done = [
      await succeeds(() => d.staking.grantRole(d.CONSENSUS, d.admin.address)),
      await succeeds(() => d.staking.setReporterReward(10_000n)),
      await succeeds(() => d.staking.slash(d.victim, 9_999n, d.admin.address)),
    ];
    expect(done).to.deep.equal([false, false, false]);
    expect(await d.staking.hasRole(d.CONSENSUS, d.admin.address)).to.equal(false);
    expect(await d.staking.reporterRewardBps()).to.equal(1_000n);
    expect((await d.staking.poolOf(d.victim)).bondedStake).to.equal(pool.bondedStake);
    expect(await d.staking.stakeOf(d.op1.address, d.victim)).to.equal(tokens(400));
    expect(await d.staking.stakeOf(d.del.address, d.victim)).to.equal(tokens(100));
    expect(await d.token.balanceOf(d.admin.address)).to.equal(balance);
  });

  it("never grants CONSENSUS_ROLE through grantRole, not even to the admin or to a contract", async function () {
    const d = await loadFixture(staked);
    await expect(d.staking.grantRole(d.CONSENSUS, d.admin.address)).to.be.revertedWithCustomError(d.staking, "ConsensusRoleLocked");
    const other = await newCheckpoints(d);
    await expect(d.staking.grantRole(d.CONSENSUS, other)).to.be.revertedWithCustomError(d.staking, "ConsensusRoleLocked");
    expect(await d.staking.hasRole(d.CONSENSUS, d.admin.address)).to.equal(false);
    expect(await d.staking.hasRole(d.CONSENSUS, other)).to.equal(false);
    await expect(d.staking.slash(d.victim, 9_999n, d.admin.address))
      .to.be.revertedWithCustomError(d.staking, "AccessControlUnauthorizedAccount")
      .withArgs(d.admin.address, d.CONSENSUS);
  });

  it("the admin cannot revoke the bound consensus", async function () {
    const d = await loadFixture(staked);
    const C = await d.checkpoints.getAddress();
    await expect(d.staking.revokeRole(d.CONSENSUS, C)).to.be.revertedWithCustomError(d.staking, "ConsensusRoleLocked");
    expect(await d.staking.hasRole(d.CONSENSUS, C)).to.equal(true);
    expect(await d.staking.consensus()).to.equal(C);
  });

  it("the bound consensus cannot renounce its role", async function () {
    const d = await loadFixture(staked);
    const C = await d.checkpoints.getAddress();
    await network.provider.send("hardhat_impersonateAccount", [C]);
    try {
      await network.provider.send("hardhat_setBalance", [C, "0xDE0B6B3A7640000"]);
      const asConsensus = await ethers.getSigner(C);
      await expect(d.staking.connect(asConsensus).renounceRole(d.CONSENSUS, C))
        .to.be.revertedWithCustomError(d.staking, "ConsensusRoleLocked");
    } finally {
      await network.provider.send("hardhat_stopImpersonatingAccount", [C]);
    }
    expect(await d.staking.hasRole(d.CONSENSUS, C)).to.equal(true);
  });

  it("no second consensus: binding or proposing another one reverts once one is bound", async function () {
    const d = await loadFixture(staked);
    const C = await d.checkpoints.getAddress();
    const other = await newCheckpoints(d);
    await expect(d.staking.bindConsensus(other)).to.be.revertedWithCustomError(d.staking, "ConsensusAlreadyBound").withArgs(C);
    await expect(d.staking.propose(P.Consensus, other)).to.be.revertedWithCustomError(d.staking, "ConsensusAlreadyBound").withArgs(C);
  });

  it("while stake exists, binding a consensus without the delay reverts, also before the delay has passed", async function () {
    const d = await loadFixture(stakedUnbound);
    expect(await d.staking.consensus()).to.equal(ethers.ZeroAddress);
    expect(await d.staking.bootstrapping()).to.equal(false);
    const C = await newCheckpoints(d);
    await expect(d.staking.grantRole(d.CONSENSUS, C)).to.be.revertedWithCustomError(d.staking, "ConsensusRoleLocked");
    await expect(d.staking.bindConsensus(C)).to.be.revertedWithCustomError(d.staking, "ChangeNotProposed").withArgs(P.Consensus, BigInt(C));
    const eta = (await minedAt(d.staking.propose(P.Consensus, C))) + (await d.staking.timelockDelay());
    await time.setNextBlockTimestamp(eta - 1n); // one second too early
    await expect(d.staking.bindConsensus(C)).to.be.revertedWithCustomError(d.staking, "ChangeNotReady").withArgs(P.Consensus, eta);
    expect(await d.staking.hasRole(d.CONSENSUS, C)).to.equal(false);
  });

  it("while stake exists, only a contract can be proposed or bound", async function () {
    const d = await loadFixture(stakedUnbound);
    await expect(d.staking.propose(P.Consensus, d.admin.address))
      .to.be.revertedWithCustomError(d.staking, "NotAContract").withArgs(d.admin.address);
    await expect(d.staking.bindConsensus(d.admin.address))
      .to.be.revertedWithCustomError(d.staking, "NotAContract").withArgs(d.admin.address);
  });

  it("with the delay the binding works, and a delegator who disagreed had time to withdraw before it", async function () {
    const d = await loadFixture(stakedUnbound);
    const C = await newCheckpoints(d);
    const delay = await d.staking.timelockDelay();
    expect(delay).to.be.greaterThanOrEqual((await d.staking.unbondingPeriod()) + 2n * 24n * 3600n);
    const proposal = d.staking.propose(P.Consensus, C);
    const eta = (await minedAt(proposal)) + delay;
    await expect(proposal).to.emit(d.staking, "ChangeProposed").withArgs(P.Consensus, BigInt(C), eta);
    expect([...(await d.staking.proposals(P.Consensus))]).to.deep.equal([BigInt(C), eta]);

    // the delegator reads the proposal, leaves at once, and is paid out before the new slasher can be bound
    const left = d.staking.connect(d.del).undelegate(d.victim, tokens(100));
    const release = (await minedAt(left)) + (await d.staking.unbondingPeriod());
    expect(release).to.be.lessThan(eta);
    await time.increaseTo(release);
    await expect(d.staking.connect(d.del).withdraw(1n)).to.changeTokenBalance(d.token, d.del, tokens(100));

    await time.increaseTo(eta);
    await expect(d.staking.bindConsensus(C)).to.emit(d.staking, "ConsensusBound").withArgs(C);
    expect(await d.staking.consensus()).to.equal(C);
    expect(await d.staking.hasRole(d.CONSENSUS, C)).to.equal(true);
    expect((await d.staking.proposals(P.Consensus)).eta).to.equal(0n);
    await expect(d.staking.revokeRole(d.CONSENSUS, C)).to.be.revertedWithCustomError(d.staking, "ConsensusRoleLocked");
  });

  it("the reporter reward has a hard ceiling of 10 %, also before any stake exists", async function () {
    const d = await deploySystem();
    expect(await d.staking.bootstrapping()).to.equal(true);
    await expect(d.staking.setReporterReward(10_000n)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
    await expect(d.staking.setReporterReward(1_001n)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
    await stake(d);
    await expect(d.staking.propose(P.ReporterReward, 10_000n)).to.be.revertedWithCustomError(d.staking, "InvalidParameter");
    await expect(d.staking.setReporterReward(10_000n)).to.be.reverted;
    expect(await d.staking.reporterRewardBps()).to.equal(1_000n);
  });

  it("while stake exists, no parameter changes without a proposal and its delay", async function () {
    const d = await loadFixture(staked);
    const cases = [
      ["setMaxActiveNodes", P.MaxActiveNodes, 4n],
      ["setInflationRate", P.InflationRate, 1_100n],
      ["setMinSelfStake", P.MinSelfStake, tokens(150)],
      ["setReporterReward", P.ReporterReward, 500n],
    ];
    for (const [fn, p, value] of cases) {
      await expect(d.staking[fn](value)).to.be.revertedWithCustomError(d.staking, "ChangeNotProposed").withArgs(p, value);
      const eta = (await minedAt(d.staking.propose(p, value))) + (await d.staking.timelockDelay());
      await expect(d.staking[fn](value)).to.be.revertedWithCustomError(d.staking, "ChangeNotReady").withArgs(p, eta);
    }
    expect(await d.staking.maxActiveNodes()).to.equal(3n);
    expect(await d.staking.inflationRateBps()).to.equal(1_000n);
    expect(await d.staking.minSelfStake()).to.equal(tokens(100));
    expect(await d.staking.reporterRewardBps()).to.equal(1_000n);
  });

  it("a step beyond the bound reverts, for every parameter", async function () {
    const d = await loadFixture(staked); // N 3, inflation 1000 bps, min self-stake 100 tokens, reporter 1000 bps
    const tooFar = [
      [P.MaxActiveNodes, 3n, 7n], // more than doubled
      [P.MaxActiveNodes, 3n, 1n], // less than half
      [P.InflationRate, 1_000n, 1_101n], // more than 100 bps
      [P.InflationRate, 1_000n, 899n],
      [P.MinSelfStake, tokens(100), tokens(200) + 1n],
      [P.MinSelfStake, tokens(100), tokens(50) - 1n],
      [P.ReporterReward, 1_000n, 499n], // more than 500 bps
    ];
    for (const [p, current, value] of tooFar) {
      await expect(d.staking.propose(p, value)).to.be.revertedWithCustomError(d.staking, "StepTooLarge").withArgs(p, current, value);
    }
    for (const [p, value] of [[P.MaxActiveNodes, 6n], [P.InflationRate, 900n], [P.MinSelfStake, tokens(50)], [P.ReporterReward, 500n]]) {
      await expect(d.staking.propose(p, value)).to.emit(d.staking, "ChangeProposed");
    }
  });
});
