"use strict";
// Issue 13, finding 11: node keys could be squatted in NodeRegistry. A node key is public (it is in every
// replication handshake), and register took any 32 bytes, so anyone could register an honest operator's key first:
// the honest operator then got NodeKeyTaken, and the key (its events, its membership) resolved to the squatter's
// node. register now takes the node key's Ed25519 signature of registrationMessage(operator, key), which names the
// chain, the registry and the operator.
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { loadFixture } = require("./helpers");
const { keyPairFromLabel, registrationMessage, signRegistration } = require("../scripts/lib/node-keys");

describe("NodeRegistry: node keys cannot be squatted", function () {
  async function fixture() {
    const [deployer, honest, stranger] = await ethers.getSigners();
    const F = await ethers.getContractFactory("NodeRegistry");
    const registry = await F.deploy(5_000, 100);
    const elsewhere = await F.deploy(5_000, 100); // another deployment on the same chain
    const honestKey = keyPairFromLabel("honest-node"); // only the honest operator's node holds the private half
    const strangerKey = keyPairFromLabel("stranger-node");
    const { chainId } = await ethers.provider.getNetwork();
    return { deployer, honest, stranger, registry, elsewhere, honestKey, strangerKey, chainId };
  }

  /** The stranger tries to register the honest key with `signature`; expects the proof to be refused. */
  async function expectRefused(f, signature) {
    await expect(f.registry.connect(f.stranger).register(f.honestKey.publicKey, "https://squatter.example", 0, signature))
      .to.be.revertedWithCustomError(f.registry, "InvalidNodeKeySignature")
      .withArgs(f.honestKey.publicKey);
  }

  /** After the attempts, the key is free and the honest operator registers it, bound to itself. */
  async function expectHonestRegistration(f) {
    expect(await f.registry.nodeIdByKey(f.honestKey.publicKey)).to.equal(0n);
    const { signature } = await signRegistration(f.registry, f.honest.address, f.honestKey);
    await expect(f.registry.connect(f.honest).register(f.honestKey.publicKey, "https://honest.example", 0, signature))
      .to.emit(f.registry, "NodeRegistered")
      .withArgs(1, f.honest.address, f.honestKey.publicKey, "https://honest.example", 0);
    expect(await f.registry.operatorOf(await f.registry.nodeIdByKey(f.honestKey.publicKey))).to.equal(f.honest.address);
  }

  it("a stranger cannot register an honest node's key without a signature", async function () {
    const f = await loadFixture(fixture);
    await expectRefused(f, "0x");
    await expectRefused(f, "0x" + "00".repeat(64));
    await expectHonestRegistration(f);
  });

  it("a stranger cannot register it with a signature by its own key", async function () {
    const f = await loadFixture(fixture);
    const message = registrationMessage(f.chainId, await f.registry.getAddress(), f.stranger.address, f.honestKey.publicKey);
    await expectRefused(f, f.strangerKey.sign(message));
    await expectHonestRegistration(f);
  });

  it("a stranger cannot front-run the honest registration by copying its signature (it names the honest operator)", async function () {
    const f = await loadFixture(fixture);
    const { signature } = await signRegistration(f.registry, f.honest.address, f.honestKey);
    await expectRefused(f, signature);
    await expectHonestRegistration(f);
  });

  it("a proof the key once gave the stranger on another chain cannot be replayed here", async function () {
    const f = await loadFixture(fixture);
    const message = registrationMessage(f.chainId + 1n, await f.registry.getAddress(), f.stranger.address, f.honestKey.publicKey);
    await expectRefused(f, f.honestKey.sign(message));
    await expectHonestRegistration(f);
  });

  it("a proof the key once gave the stranger at another registry cannot be replayed here", async function () {
    const f = await loadFixture(fixture);
    const { signature } = await signRegistration(f.elsewhere, f.stranger.address, f.honestKey);
    // valid where it was made ...
    await (await f.elsewhere.connect(f.stranger).register(f.honestKey.publicKey, "https://old.example", 0, signature)).wait();
    // ... and refused here
    await expectRefused(f, signature);
    await expectHonestRegistration(f);
  });

  it("a proof for one key does not register another key", async function () {
    const f = await loadFixture(fixture);
    const { signature } = await signRegistration(f.registry, f.stranger.address, f.strangerKey);
    await expectRefused(f, signature);
    await expectHonestRegistration(f);
  });

  it("the stranger can still register a key it holds", async function () {
    const f = await loadFixture(fixture);
    const { nodeKey, signature } = await signRegistration(f.registry, f.stranger.address, f.strangerKey);
    await expect(f.registry.connect(f.stranger).register(nodeKey, "https://stranger.example", 0, signature)).to.emit(f.registry, "NodeRegistered");
    expect(await f.registry.operatorOf(await f.registry.nodeIdByKey(nodeKey))).to.equal(f.stranger.address);
  });
});
