"use strict";
// Ed25519 node keys for the tests and the gas report, on Node's built-in crypto (RFC 8032 signing: deterministic,
// the same bytes as BouncyCastle's), and NodeRegistry's proof of possession made with them.
const crypto = require("crypto");
const { ethers } = require("ethers");

// PKCS#8 wrapping of a 32-byte Ed25519 seed (RFC 8410): Node imports private keys only in a container format.
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

/** Domain of NodeRegistry's proof of possession (NodeRegistry.REGISTRATION_DOMAIN). */
const REGISTRATION_DOMAIN = "xmtpj-node-registration-v1";

/** A key pair from a 32-byte seed (hex, with or without 0x): { seed, publicKey (0x hex), sign(bytes) -> 0x hex }. */
function keyFromSeed(seedHex) {
  const seed = Buffer.from(seedHex.replace(/^0x/, ""), "hex");
  if (seed.length !== 32) throw new Error("an Ed25519 seed is 32 bytes");
  const privateKey = crypto.createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: "der", type: "pkcs8" });
  const spki = crypto.createPublicKey(privateKey).export({ format: "der", type: "spki" });
  return {
    seed,
    publicKey: "0x" + spki.subarray(-32).toString("hex"),
    sign: (message) => "0x" + crypto.sign(null, Buffer.from(ethers.getBytes(message)), privateKey).toString("hex"),
  };
}

/** Deterministic node key pair number `i` (the seed is keccak256 of a label, so tests can name keys by number). */
const nodeKeyPair = (i) => keyPairFromLabel(`node-key-${i}`);

/**
 * The message a node key signs to register with `operator` at the NodeRegistry `registry` on chain `chainId`:
 * "xmtpj-node-registration-v1" ‖ chainId (uint256, 32 bytes big-endian) ‖ registry (20 bytes) ‖ operator (20 bytes) ‖
 * nodeKey (32 bytes), 130 bytes. Built here independently of the contract's registrationMessage.
 */
function registrationMessage(chainId, registry, operator, nodeKey) {
  return ethers.solidityPacked(
    ["string", "uint256", "address", "address", "bytes32"],
    [REGISTRATION_DOMAIN, chainId, registry, operator, nodeKey],
  );
}

/**
 * Arguments that make `operator` (an address) register `pair` at `registry` (a contract), as spread into
 * register(nodeKey, endpoint, commissionBps, signature) around endpoint and commission: { nodeKey, signature }.
 */
async function signRegistration(registry, operator, pair) {
  const { chainId } = await registry.runner.provider.getNetwork();
  const message = registrationMessage(chainId, await registry.getAddress(), operator, pair.publicKey);
  return { nodeKey: pair.publicKey, signature: pair.sign(message) };
}

/** A key pair whose seed is keccak256 of `label`. */
const keyPairFromLabel = (label) => keyFromSeed(ethers.keccak256(ethers.toUtf8Bytes(label)));

module.exports = { keyFromSeed, keyPairFromLabel, nodeKeyPair, registrationMessage, signRegistration, REGISTRATION_DOMAIN };
