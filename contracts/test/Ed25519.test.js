"use strict";
// The Solidity Ed25519 verifier (contracts/lib/Ed25519.sol) through a test harness: RFC 8032 §7.1 vectors, tampered
// signatures, strict encodings, SHA-512 against Node's, and signatures made by the Java side (BouncyCastle).
const { expect } = require("chai");
const { ethers } = require("hardhat");
const crypto = require("crypto");
const VECTORS = require("./rfc8032-vectors");
const JAVA_VECTORS = require("./java-ed25519-vectors");
const { loadFixture } = require("./helpers");

const P = 2n ** 255n - 19n;
const L = 2n ** 252n + 27742317777372353535851937790883648493n;
const hex = (s) => "0x" + s;

/** `bytes` (0x hex) with bit `bit` of byte `index` flipped. */
function flipBit(bytes, index, bit = 0) {
  const b = ethers.getBytes(bytes);
  b[index] ^= 1 << bit;
  return ethers.hexlify(b);
}

/** The 32-byte little-endian encoding of `n` (as RFC 8032 encodes field elements and scalars). */
function le32(n) {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return ethers.hexlify(b);
}
const fromLe32 = (bytes) => BigInt("0x" + Buffer.from(ethers.getBytes(bytes)).reverse().toString("hex"));

function modPow(b, e, m) {
  let r = 1n;
  b %= m;
  for (; e > 0n; e >>= 1n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
  }
  return r;
}

/** The smallest y > 1 with no x on the curve (x² = (y² − 1)/(d·y² + 1) is not a square mod p). */
function undecodableY() {
  const d = (P - ((121665n * modPow(121666n, P - 2n, P)) % P)) % P;
  for (let y = 2n; ; y++) {
    const u = (y * y - 1n) % P;
    const v = (d * y * y + 1n) % P;
    const ratio = (u * modPow(v, P - 2n, P)) % P;
    if (modPow(ratio, (P - 1n) / 2n, P) === P - 1n) return y;
  }
}

describe("Ed25519 (Solidity verifier)", function () {
  async function fixture() {
    const harness = await (await ethers.getContractFactory("Ed25519Harness")).deploy();
    return { harness };
  }

  describe("RFC 8032 §7.1 test vectors", function () {
    for (const v of VECTORS) {
      it(`${v.name} verifies`, async function () {
        const { harness } = await loadFixture(fixture);
        expect(await harness.verify(hex(v.publicKey), hex(v.signature), hex(v.message))).to.equal(true);
        const gas = await harness.verify.estimateGas(hex(v.publicKey), hex(v.signature), hex(v.message));
        console.log(`        verify gas (${v.message.length / 2}-byte message, call included): ${gas}`);
      });
    }

    it("a flipped bit in R, in S, in the public key or in the message fails", async function () {
      const { harness } = await loadFixture(fixture);
      for (const v of VECTORS.slice(0, 3)) {
        const [key, sig, msg] = [hex(v.publicKey), hex(v.signature), hex(v.message)];
        for (const bit of [0, 7]) {
          expect(await harness.verify(key, flipBit(sig, 0, bit), msg), `${v.name}: R`).to.equal(false);
          expect(await harness.verify(key, flipBit(sig, 31, bit), msg), `${v.name}: R's last byte`).to.equal(false);
          expect(await harness.verify(key, flipBit(sig, 32, bit), msg), `${v.name}: S`).to.equal(false);
          expect(await harness.verify(flipBit(key, 0, bit), sig, msg), `${v.name}: A`).to.equal(false);
          expect(await harness.verify(flipBit(key, 31, bit), sig, msg), `${v.name}: A's sign bit`).to.equal(false);
        }
        const longer = ethers.concat([msg, "0x00"]);
        expect(await harness.verify(key, sig, longer), `${v.name}: message`).to.equal(false);
        if (v.message.length > 0) expect(await harness.verify(key, sig, flipBit(msg, 0)), `${v.name}: message bit`).to.equal(false);
      }
    });

    it("a signature of another key, or of the same key over another message, fails", async function () {
      const { harness } = await loadFixture(fixture);
      const [a, b] = VECTORS;
      expect(await harness.verify(hex(b.publicKey), hex(a.signature), hex(a.message))).to.equal(false);
      expect(await harness.verify(hex(a.publicKey), hex(a.signature), hex(b.message))).to.equal(false);
    });
  });

  describe("strict encodings", function () {
    it("refuses S ≥ L: the malleable twin S + L of a valid signature, and S = L", async function () {
      const { harness } = await loadFixture(fixture);
      const v = VECTORS[1];
      const sig = hex(v.signature);
      const r = ethers.dataSlice(sig, 0, 32);
      const s = fromLe32(ethers.dataSlice(sig, 32, 64));
      expect(s < L).to.equal(true);
      expect(await harness.verify(hex(v.publicKey), ethers.concat([r, le32(s + L)]), hex(v.message))).to.equal(false);
      expect(await harness.verify(hex(v.publicKey), ethers.concat([r, le32(L)]), hex(v.message))).to.equal(false);
    });

    it("refuses a signature that is not 64 bytes", async function () {
      const { harness } = await loadFixture(fixture);
      const v = VECTORS[2];
      for (const sig of ["0x", ethers.dataSlice(hex(v.signature), 0, 63), ethers.concat([hex(v.signature), "0x00"])]) {
        expect(await harness.verify(hex(v.publicKey), sig, hex(v.message))).to.equal(false);
      }
    });

    it("decodes the base point, and a public key, to the right coordinates", async function () {
      const { harness } = await loadFixture(fixture);
      const b = await harness.decodePoint("0x5866666666666666666666666666666666666666666666666666666666666666");
      expect(b.ok).to.equal(true);
      expect(b.x).to.equal(15112221349535400772501151409588531511454012693041857206046113283949847762202n);
      expect(b.y).to.equal(46316835694926478169428394003475163141307993866256225615783033603165251855960n);
      const a = await harness.decodePoint(hex(VECTORS[0].publicKey));
      expect(a.ok).to.equal(true);
      expect(a.y).to.equal(fromLe32(hex(VECTORS[0].publicKey)) & ((1n << 255n) - 1n));
    });

    it("refuses non-canonical point encodings: y = p, y = p + 1 (the identity's alias), y = 2^255 − 1", async function () {
      const { harness } = await loadFixture(fixture);
      for (const y of [P, P + 1n, 2n ** 255n - 1n]) {
        expect((await harness.decodePoint(le32(y))).ok, `y = ${y}`).to.equal(false);
        expect((await harness.decodePoint(le32(y | (1n << 255n)))).ok, `y = ${y}, sign bit set`).to.equal(false);
      }
      expect((await harness.decodePoint(le32(1n))).ok, "the identity, canonically").to.equal(true);
    });

    it("refuses an undecodable point (no x for y) and x = 0 with the sign bit set", async function () {
      const { harness } = await loadFixture(fixture);
      const y = undecodableY();
      expect((await harness.decodePoint(le32(y))).ok).to.equal(false);
      expect((await harness.decodePoint(le32(1n | (1n << 255n)))).ok, "(0, 1) with x's sign bit set").to.equal(false);
      // and as a public key, with an otherwise valid signature
      const v = VECTORS[0];
      expect(await harness.verify(le32(y), hex(v.signature), hex(v.message))).to.equal(false);
    });

    it("refuses an R that is not a canonical encoding (y ≥ p), whatever S", async function () {
      const { harness } = await loadFixture(fixture);
      const v = VECTORS[0];
      const s = ethers.dataSlice(hex(v.signature), 32, 64);
      expect(await harness.verify(hex(v.publicKey), ethers.concat([le32(P + 1n), s]), hex(v.message))).to.equal(false);
    });
  });

  describe("SHA-512", function () {
    it("matches Node's SHA-512 at every padding boundary (0, 1, 111, 112, 127, 128, 239, 240, 1023 bytes)", async function () {
      const { harness } = await loadFixture(fixture);
      for (const len of [0, 1, 111, 112, 127, 128, 239, 240, 1023]) {
        const data = crypto.createHash("sha512").update(`seed-${len}`).digest();
        const message = Buffer.alloc(len);
        for (let i = 0; i < len; i++) message[i] = data[i % 64] ^ (i & 0xff);
        const want = "0x" + crypto.createHash("sha512").update(message).digest("hex");
        expect(await harness.sha512(message), `${len} bytes`).to.equal(want);
      }
    });
  });

  describe("signatures made by the Java side (BouncyCastle, crypto module's Ed25519)", function () {
    for (const v of JAVA_VECTORS) {
      it(`${v.name} verifies, and fails for another operator`, async function () {
        const { harness } = await loadFixture(fixture);
        expect(await harness.verify(v.publicKey, v.signature, v.message)).to.equal(true);
        expect(await harness.verify(v.publicKey, v.signature, flipBit(v.message, 26 + 32 + 20))).to.equal(false);
      });
    }
  });
});
