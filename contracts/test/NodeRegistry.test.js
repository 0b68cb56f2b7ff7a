"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { time } = require("@nomicfoundation/hardhat-network-helpers");
const { nodeKey, registerNode, registrationSignature, minedAt, loadFixture } = require("./helpers");
const { nodeKeyPair, registrationMessage } = require("../scripts/lib/node-keys");

describe("NodeRegistry", function () {
  const MAX = 5_000;
  const DELAY = 100n;

  async function fixture() {
    const signers = await ethers.getSigners();
    const registry = await (await ethers.getContractFactory("NodeRegistry")).deploy(MAX, DELAY);
    const [, op1, op2, stranger] = signers;
    const registeredAt = await minedAt(registerNode(registry, op1, 1, "https://n1.example", 1_000));
    return { registry, op1, op2, stranger, registeredAt };
  }

  it("constructor stores the parameters and rejects a max above 100%", async function () {
    const { registry } = await loadFixture(fixture);
    expect(await registry.maxCommissionBps()).to.equal(MAX);
    expect(await registry.commissionIncreaseDelay()).to.equal(DELAY);
    const F = await ethers.getContractFactory("NodeRegistry");
    await expect(F.deploy(10_001, 0)).to.be.revertedWithCustomError(F, "InvalidMaxCommission").withArgs(10_001);
    await F.deploy(10_000, 0); // the ceiling itself is fine
  });

  describe("register", function () {
    it("assigns sequential ids, stores the node and emits NodeRegistered", async function () {
      const { registry, op1, op2, registeredAt } = await loadFixture(fixture);
      await expect(registerNode(registry, op2, 2, "grpc://10.0.0.2:5556", 0))
        .to.emit(registry, "NodeRegistered")
        .withArgs(2, op2.address, nodeKey(2), "grpc://10.0.0.2:5556", 0);
      expect(await registry.nodeCount()).to.equal(2n);
      expect(await registry.nodeIdByKey(nodeKey(2))).to.equal(2n);
      expect(await registry.nodeIdOfOperator(op2.address)).to.equal(2n);
      expect(await registry.operatorOf(1)).to.equal(op1.address);
      expect(await registry.isRegistered(2)).to.equal(true);
      const n = await registry.getNode(1);
      expect(n.operator).to.equal(op1.address);
      expect(n.nodeKey).to.equal(nodeKey(1));
      expect(n.endpoint).to.equal("https://n1.example");
      expect(n.commissionBps).to.equal(1_000n);
      expect(n.pendingCommissionBps).to.equal(0n);
      expect(n.registered).to.equal(true);
      expect(n.registeredAt).to.equal(registeredAt);
    });

    it("accepts the maximum endpoint length and commission", async function () {
      const { registry, op2 } = await loadFixture(fixture);
      await registerNode(registry, op2, 2, "x".repeat(256), MAX);
      expect(await registry.commissionOf(2)).to.equal(BigInt(MAX));
    });

    it("reverts on a zero key", async function () {
      const { registry, op2 } = await loadFixture(fixture);
      await expect(registry.connect(op2).register(ethers.ZeroHash, "e", 0, "0x")).to.be.revertedWithCustomError(registry, "ZeroNodeKey");
    });

    it("reverts on a key in use, and on a key of a deregistered node", async function () {
      const { registry, op1, op2 } = await loadFixture(fixture);
      await expect(registerNode(registry, op2, 1, "e", 0))
        .to.be.revertedWithCustomError(registry, "NodeKeyTaken")
        .withArgs(nodeKey(1));
      await registry.connect(op1).deregister(1);
      await expect(registerNode(registry, op2, 1, "e", 0)).to.be.revertedWithCustomError(registry, "NodeKeyTaken");
    });

    it("reverts when the operator already runs a node, but allows a new node after deregistering", async function () {
      const { registry, op1 } = await loadFixture(fixture);
      await expect(registerNode(registry, op1, 9, "e", 0))
        .to.be.revertedWithCustomError(registry, "OperatorHasNode")
        .withArgs(op1.address, 1);
      await registry.connect(op1).deregister(1);
      await expect(registerNode(registry, op1, 9, "e", 0)).to.emit(registry, "NodeRegistered").withArgs(2, op1.address, nodeKey(9), "e", 0);
    });

    it("reverts on an empty or too long endpoint", async function () {
      const { registry, op2 } = await loadFixture(fixture);
      await expect(registerNode(registry, op2, 2, "", 0)).to.be.revertedWithCustomError(registry, "InvalidEndpoint");
      await expect(registerNode(registry, op2, 2, "x".repeat(257), 0)).to.be.revertedWithCustomError(registry, "InvalidEndpoint");
    });

    it("registrationMessage is domain ‖ chain id ‖ registry ‖ operator ‖ key, 130 bytes", async function () {
      const { registry, op2 } = await loadFixture(fixture);
      const { chainId } = await ethers.provider.getNetwork();
      const message = await registry.registrationMessage(op2.address, nodeKey(2));
      expect(await registry.REGISTRATION_DOMAIN()).to.equal("xmtpj-node-registration-v1");
      expect(ethers.dataLength(message)).to.equal(130);
      expect(message).to.equal(registrationMessage(chainId, await registry.getAddress(), op2.address, nodeKey(2)));
    });

    it("reverts with InvalidNodeKeySignature on a signature by another key, for another operator, or not 64 bytes", async function () {
      const { registry, op1, op2 } = await loadFixture(fixture);
      const forOp2By3 = nodeKeyPair(3).sign(await registry.registrationMessage(op2.address, nodeKey(2)));
      const forOp1 = await registrationSignature(registry, op1, 2);
      const ok = await registrationSignature(registry, op2, 2);
      for (const sig of [forOp2By3, forOp1, ethers.dataSlice(ok, 0, 63), ethers.concat([ok, "0x00"])]) {
        await expect(registry.connect(op2).register(nodeKey(2), "e", 0, sig))
          .to.be.revertedWithCustomError(registry, "InvalidNodeKeySignature")
          .withArgs(nodeKey(2));
      }
      await registry.connect(op2).register(nodeKey(2), "e", 0, ok);
    });

    it("reverts on a commission above the maximum", async function () {
      const { registry, op2 } = await loadFixture(fixture);
      await expect(registerNode(registry, op2, 2, "e", MAX + 1))
        .to.be.revertedWithCustomError(registry, "CommissionTooHigh")
        .withArgs(MAX + 1, MAX);
    });
  });

  describe("updateEndpoint", function () {
    it("updates and emits NodeUpdated with the full state", async function () {
      const { registry, op1 } = await loadFixture(fixture);
      await expect(registry.connect(op1).updateEndpoint(1, "https://new.example"))
        .to.emit(registry, "NodeUpdated")
        .withArgs(1, "https://new.example", 1_000);
      expect((await registry.getNode(1)).endpoint).to.equal("https://new.example");
    });

    it("reverts for an unknown node, a non-operator, a deregistered node and a bad endpoint", async function () {
      const { registry, op1, stranger } = await loadFixture(fixture);
      await expect(registry.connect(op1).updateEndpoint(7, "e")).to.be.revertedWithCustomError(registry, "UnknownNode").withArgs(7);
      await expect(registry.connect(stranger).updateEndpoint(1, "e"))
        .to.be.revertedWithCustomError(registry, "NotOperator")
        .withArgs(1, stranger.address);
      await expect(registry.connect(op1).updateEndpoint(1, "")).to.be.revertedWithCustomError(registry, "InvalidEndpoint");
      await registry.connect(op1).deregister(1);
      await expect(registry.connect(op1).updateEndpoint(1, "e")).to.be.revertedWithCustomError(registry, "NodeNotRegistered").withArgs(1);
    });
  });

  describe("setCommission", function () {
    it("applies a decrease at once", async function () {
      const { registry, op1 } = await loadFixture(fixture);
      await expect(registry.connect(op1).setCommission(1, 500)).to.emit(registry, "NodeUpdated").withArgs(1, "https://n1.example", 500);
      expect(await registry.commissionOf(1)).to.equal(500n);
    });

    it("schedules an increase that takes effect after the delay", async function () {
      const { registry, op1 } = await loadFixture(fixture);
      const tx = await registry.connect(op1).setCommission(1, 2_000);
      const at = (await minedAt(tx)) + DELAY;
      await expect(tx).to.emit(registry, "CommissionIncreaseScheduled").withArgs(1, 2_000, at);
      expect(await registry.commissionOf(1)).to.equal(1_000n);
      let n = await registry.getNode(1);
      expect(n.pendingCommissionBps).to.equal(2_000n);
      expect(n.pendingCommissionAt).to.equal(at);
      await time.increaseTo(at);
      expect(await registry.commissionOf(1)).to.equal(2_000n);
      n = await registry.getNode(1);
      expect(n.commissionBps).to.equal(2_000n);
      expect(n.pendingCommissionBps).to.equal(0n);
      // The next write folds the matured increase into storage and reports it.
      await expect(registry.connect(op1).updateEndpoint(1, "e2")).to.emit(registry, "NodeUpdated").withArgs(1, "e2", 2_000);
    });

    it("a decrease or an equal value cancels a pending increase; a new increase replaces it", async function () {
      const { registry, op1 } = await loadFixture(fixture);
      await registry.connect(op1).setCommission(1, 3_000);
      const replaced = await registry.connect(op1).setCommission(1, 4_000); // replaces, timer restarts
      expect((await registry.getNode(1)).pendingCommissionBps).to.equal(4_000n);
      expect((await registry.getNode(1)).pendingCommissionAt).to.equal((await minedAt(replaced)) + DELAY);
      await expect(registry.connect(op1).setCommission(1, 1_000)).to.emit(registry, "NodeUpdated").withArgs(1, "https://n1.example", 1_000);
      expect((await registry.getNode(1)).pendingCommissionBps).to.equal(0n);
      await time.increaseTo((await minedAt(replaced)) + DELAY * 2n); // well past when the increase would have applied
      expect(await registry.commissionOf(1)).to.equal(1_000n);
    });

    it("reverts on an unchanged value, a value above the maximum, and for non-operators", async function () {
      const { registry, op1, stranger } = await loadFixture(fixture);
      await expect(registry.connect(op1).setCommission(1, 1_000)).to.be.revertedWithCustomError(registry, "CommissionUnchanged").withArgs(1_000);
      await expect(registry.connect(op1).setCommission(1, MAX + 1)).to.be.revertedWithCustomError(registry, "CommissionTooHigh");
      await expect(registry.connect(stranger).setCommission(1, 0)).to.be.revertedWithCustomError(registry, "NotOperator");
      await expect(registry.connect(op1).setCommission(3, 0)).to.be.revertedWithCustomError(registry, "UnknownNode");
      await registry.connect(op1).deregister(1);
      await expect(registry.connect(op1).setCommission(1, 0)).to.be.revertedWithCustomError(registry, "NodeNotRegistered");
    });
  });

  describe("deregister", function () {
    it("deregisters, frees the operator, keeps the key reserved and emits NodeDeregistered", async function () {
      const { registry, op1 } = await loadFixture(fixture);
      await registry.connect(op1).setCommission(1, 2_000); // pending increase is dropped
      await expect(registry.connect(op1).deregister(1)).to.emit(registry, "NodeDeregistered").withArgs(1, op1.address);
      expect(await registry.isRegistered(1)).to.equal(false);
      expect(await registry.nodeIdOfOperator(op1.address)).to.equal(0n);
      expect(await registry.nodeIdByKey(nodeKey(1))).to.equal(1n);
      expect(await registry.operatorOf(1)).to.equal(op1.address);
      const n = await registry.getNode(1);
      expect(n.registered).to.equal(false);
      expect(n.pendingCommissionBps).to.equal(0n);
    });

    it("reverts for non-operators, unknown nodes and twice", async function () {
      const { registry, op1, stranger } = await loadFixture(fixture);
      await expect(registry.connect(stranger).deregister(1)).to.be.revertedWithCustomError(registry, "NotOperator");
      await expect(registry.connect(op1).deregister(2)).to.be.revertedWithCustomError(registry, "UnknownNode");
      await registry.connect(op1).deregister(1);
      await expect(registry.connect(op1).deregister(1)).to.be.revertedWithCustomError(registry, "NodeNotRegistered");
    });
  });

  it("views of an unknown node: getNode reverts, the others return zero values", async function () {
    const { registry } = await loadFixture(fixture);
    await expect(registry.getNode(42)).to.be.revertedWithCustomError(registry, "UnknownNode").withArgs(42);
    expect(await registry.isRegistered(42)).to.equal(false);
    expect(await registry.operatorOf(42)).to.equal(ethers.ZeroAddress);
    expect(await registry.commissionOf(42)).to.equal(0n);
    expect(await registry.nodeIdByKey(nodeKey(42))).to.equal(0n);
  });
});
