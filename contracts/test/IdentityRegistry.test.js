"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { time } = require("@nomicfoundation/hardhat-network-helpers");
const { lastBlockTime, loadFixture } = require("./helpers");

const OPEN = 0;
const FEE = 1;
const CREDENTIAL = 2;
const DROP_OLDEST = 0;
const REJECT_NEW = 1;

const IDENTITY_FIELDS = [
  { name: "wallet", type: "address" },
  { name: "identityKey", type: "bytes" },
  { name: "inviteTopic", type: "string" },
  { name: "publishPolicy", type: "uint8" },
  { name: "fee", type: "uint256" },
  { name: "credentialIssuerKey", type: "bytes" },
  { name: "retentionDays", type: "uint16" },
  { name: "evictionPolicy", type: "uint8" },
  { name: "nonce", type: "uint256" },
  { name: "deadline", type: "uint256" },
];
const TYPES = {
  Register: { Register: IDENTITY_FIELDS },
  Update: { Update: IDENTITY_FIELDS },
  Revoke: {
    Revoke: [
      { name: "wallet", type: "address" },
      { name: "nonce", type: "uint256" },
      { name: "deadline", type: "uint256" },
    ],
  },
};

/** A valid 65-byte uncompressed secp256k1 public key of a fresh XMTP identity. */
const identityKey = () => ethers.Wallet.createRandom().signingKey.publicKey;

function entry(wallet, over = {}) {
  return {
    identityKey: identityKey(),
    inviteTopic: `/xmtp/0/invite-${ethers.getAddress(wallet)}/proto`,
    publishPolicy: OPEN,
    fee: 0n,
    credentialIssuerKey: "0x",
    retentionDays: 30,
    evictionPolicy: DROP_OLDEST,
    ...over,
  };
}
const args = (e) => [e.identityKey, e.inviteTopic, e.publishPolicy, e.fee, e.credentialIssuerKey, e.retentionDays, e.evictionPolicy];

describe("IdentityRegistry", function () {
  async function fixture() {
    const [relayer, alice, bob, carol] = await ethers.getSigners();
    const reg = await (await ethers.getContractFactory("IdentityRegistry")).deploy();
    const domain = {
      name: "XMTPJ IdentityRegistry",
      version: "1",
      chainId: (await ethers.provider.getNetwork()).chainId,
      verifyingContract: await reg.getAddress(),
    };
    return { reg, relayer, alice, bob, carol, domain };
  }

  async function sign(ctx, signer, kind, wallet, e, over = {}) {
    const nonce = over.nonce ?? (await ctx.reg.nonces(wallet));
    const deadline = over.deadline ?? (await lastBlockTime()) + 3600n; // an input, an hour after the newest block
    const value = kind === "Revoke" ? { wallet, nonce, deadline } : { wallet, ...e, nonce, deadline };
    const sig = await signer.signTypedData(ctx.domain, TYPES[kind], value);
    return { sig, deadline, nonce };
  }

  describe("register", function () {
    it("registers msg.sender, stores every field, owns the topic and emits all fields", async function () {
      const { reg, alice } = await loadFixture(fixture);
      const e = entry(alice.address, { publishPolicy: FEE, fee: 5n * 10n ** 18n, retentionDays: 365, evictionPolicy: REJECT_NEW });
      await expect(reg.connect(alice).register(...args(e)))
        .to.emit(reg, "IdentityRegistered")
        .withArgs(alice.address, e.identityKey, e.inviteTopic, FEE, e.fee, "0x", 365, REJECT_NEW, 0);
      expect(await reg.isRegistered(alice.address)).to.equal(true);
      const got = await reg.identityOf(alice.address);
      expect([...got]).to.deep.equal([e.identityKey, e.inviteTopic, BigInt(FEE), e.fee, "0x", 365n, BigInt(REJECT_NEW)]);
      expect(await reg.topicOwner(e.inviteTopic)).to.equal(alice.address);
      expect(await reg.nonces(alice.address)).to.equal(1n);
    });

    it("accepts a CREDENTIAL topic with an issuer key", async function () {
      const { reg, alice } = await loadFixture(fixture);
      const issuer = ethers.hexlify(ethers.randomBytes(96));
      const e = entry(alice.address, { publishPolicy: CREDENTIAL, credentialIssuerKey: issuer, retentionDays: 1 });
      await expect(reg.connect(alice).register(...args(e)))
        .to.emit(reg, "IdentityRegistered")
        .withArgs(alice.address, e.identityKey, e.inviteTopic, CREDENTIAL, 0, issuer, 1, DROP_OLDEST, 0);
    });

    it("reverts when already registered and when the topic belongs to someone else", async function () {
      const { reg, alice, bob } = await loadFixture(fixture);
      const e = entry(alice.address, { inviteTopic: "alice-invites" });
      await reg.connect(alice).register(...args(e));
      await expect(reg.connect(alice).register(...args(entry(alice.address, { inviteTopic: "other" }))))
        .to.be.revertedWithCustomError(reg, "AlreadyRegistered")
        .withArgs(alice.address);
      await expect(reg.connect(bob).register(...args(entry(bob.address, { inviteTopic: e.inviteTopic }))))
        .to.be.revertedWithCustomError(reg, "TopicTaken")
        .withArgs(e.inviteTopic, alice.address);
    });

    const badKeys = [
      ["a 64-byte key", ethers.hexlify(ethers.randomBytes(64))],
      ["a 33-byte compressed key", ethers.SigningKey.computePublicKey(identityKey(), true)],
      ["a 65-byte key without the 0x04 prefix", "0x05" + ethers.hexlify(ethers.randomBytes(64)).slice(2)],
      ["an empty key", "0x"],
    ];
    for (const [name, key] of badKeys) {
      it(`reverts on ${name}`, async function () {
        const { reg, alice } = await loadFixture(fixture);
        await expect(reg.connect(alice).register(...args(entry(alice.address, { identityKey: key })))).to.be.revertedWithCustomError(
          reg,
          "InvalidIdentityKey",
        );
      });
    }

    for (const [name, topic] of [
      ["an empty topic", ""],
      ["a 129-character topic", "t".repeat(129)],
      ["a topic with a space", "invite alice"],
      ["a topic with a control character", "invite\nalice"],
      ["a topic with a non-ASCII character", "invité"],
    ]) {
      it(`reverts on ${name}`, async function () {
        const { reg, alice } = await loadFixture(fixture);
        await expect(reg.connect(alice).register(...args(entry(alice.address, { inviteTopic: topic })))).to.be.revertedWithCustomError(
          reg,
          "InvalidTopic",
        );
      });
    }

    it("reserves the conventional /xmtp/0/invite-<address>/proto topic for that address, in any letter case", async function () {
      const { reg, alice, bob } = await loadFixture(fixture);
      const conventional = `/xmtp/0/invite-${ethers.getAddress(alice.address)}/proto`;
      for (const t of [conventional, conventional.toLowerCase(), `/xmtp/0/invite-0x${alice.address.slice(2).toUpperCase()}/proto`]) {
        await expect(reg.connect(bob).register(...args(entry(bob.address, { inviteTopic: t }))))
          .to.be.revertedWithCustomError(reg, "TopicReserved")
          .withArgs(t, alice.address);
      }
      await expect(reg.connect(alice).register(...args(entry(alice.address, { inviteTopic: conventional.toLowerCase() })))).to.emit(
        reg,
        "IdentityRegistered",
      );
      // Near misses are ordinary topics: not 40 hex digits, another prefix or suffix.
      for (const t of [
        `/xmtp/0/invite-${alice.address.slice(0, 41)}/proto`,
        `/xmtp/0/invite-${alice.address.slice(0, 41)}g/proto`,
        `/xmtp/1/invite-${alice.address}/proto`,
        `/xmtp/0/invite-${alice.address}/protx`,
      ]) {
        await reg.connect(bob).register(...args(entry(bob.address, { inviteTopic: t })));
        await reg.connect(bob).revoke();
      }
      // update is checked too
      await reg.connect(bob).register(...args(entry(bob.address)));
      await expect(reg.connect(bob).update(...args(entry(bob.address, { inviteTopic: conventional })))).to.be.revertedWithCustomError(
        reg,
        "TopicReserved",
      );
    });

    it("accepts a 128-character topic", async function () {
      const { reg, alice } = await loadFixture(fixture);
      await reg.connect(alice).register(...args(entry(alice.address, { inviteTopic: "~".repeat(128) })));
    });

    for (const [name, over] of [
      ["an unknown publish policy", { publishPolicy: 3 }],
      ["OPEN with a fee", { publishPolicy: OPEN, fee: 1n }],
      ["OPEN with an issuer key", { publishPolicy: OPEN, credentialIssuerKey: "0x01" }],
      ["FEE without a fee", { publishPolicy: FEE, fee: 0n }],
      ["FEE with an issuer key", { publishPolicy: FEE, fee: 1n, credentialIssuerKey: "0x01" }],
      ["CREDENTIAL without an issuer key", { publishPolicy: CREDENTIAL }],
      ["CREDENTIAL with a fee", { publishPolicy: CREDENTIAL, fee: 1n, credentialIssuerKey: "0x01" }],
      ["CREDENTIAL with a 257-byte issuer key", { publishPolicy: CREDENTIAL, credentialIssuerKey: ethers.hexlify(ethers.randomBytes(257)) }],
    ]) {
      it(`reverts on ${name}`, async function () {
        const { reg, alice } = await loadFixture(fixture);
        await expect(reg.connect(alice).register(...args(entry(alice.address, over)))).to.be.revertedWithCustomError(reg, "InvalidPolicy");
      });
    }

    it("reverts on a retention of 0 or above 365 days", async function () {
      const { reg, alice } = await loadFixture(fixture);
      for (const r of [0, 366]) {
        await expect(reg.connect(alice).register(...args(entry(alice.address, { retentionDays: r }))))
          .to.be.revertedWithCustomError(reg, "InvalidRetention")
          .withArgs(r);
      }
    });

    it("reverts on an unknown eviction policy", async function () {
      const { reg, alice } = await loadFixture(fixture);
      await expect(reg.connect(alice).register(...args(entry(alice.address, { evictionPolicy: 2 }))))
        .to.be.revertedWithCustomError(reg, "InvalidEviction")
        .withArgs(2);
    });
  });

  describe("update", function () {
    it("replaces every field; a new topic frees the old one", async function () {
      const { reg, alice, bob } = await loadFixture(fixture);
      const e1 = entry(alice.address, { inviteTopic: "alice-invites-v1" });
      await reg.connect(alice).register(...args(e1));
      const e2 = entry(alice.address, { inviteTopic: "alice-invites-v2", publishPolicy: FEE, fee: 3n, retentionDays: 7 });
      await expect(reg.connect(alice).update(...args(e2)))
        .to.emit(reg, "IdentityUpdated")
        .withArgs(alice.address, e2.identityKey, "alice-invites-v2", FEE, 3n, "0x", 7, DROP_OLDEST, 1);
      expect(await reg.topicOwner(e1.inviteTopic)).to.equal(ethers.ZeroAddress);
      expect(await reg.topicOwner("alice-invites-v2")).to.equal(alice.address);
      expect((await reg.identityOf(alice.address)).fee).to.equal(3n);
      // the freed topic can be taken by someone else
      await reg.connect(bob).register(...args(entry(bob.address, { inviteTopic: e1.inviteTopic })));
    });

    it("keeps the topic when it does not change", async function () {
      const { reg, alice } = await loadFixture(fixture);
      const e1 = entry(alice.address);
      await reg.connect(alice).register(...args(e1));
      await reg.connect(alice).update(...args({ ...e1, retentionDays: 90 }));
      expect(await reg.topicOwner(e1.inviteTopic)).to.equal(alice.address);
      expect((await reg.identityOf(alice.address)).retentionDays).to.equal(90n);
    });

    it("reverts when not registered, on a taken topic and on invalid fields", async function () {
      const { reg, alice, bob } = await loadFixture(fixture);
      await expect(reg.connect(alice).update(...args(entry(alice.address))))
        .to.be.revertedWithCustomError(reg, "NotRegistered")
        .withArgs(alice.address);
      const eb = entry(bob.address, { inviteTopic: "bob-invites" });
      await reg.connect(bob).register(...args(eb));
      await reg.connect(alice).register(...args(entry(alice.address)));
      await expect(reg.connect(alice).update(...args(entry(alice.address, { inviteTopic: eb.inviteTopic })))).to.be.revertedWithCustomError(
        reg,
        "TopicTaken",
      );
      await expect(reg.connect(alice).update(...args(entry(alice.address, { retentionDays: 0 })))).to.be.revertedWithCustomError(
        reg,
        "InvalidRetention",
      );
    });
  });

  describe("revoke", function () {
    it("deletes the entry, frees the topic, and allows registering again", async function () {
      const { reg, alice } = await loadFixture(fixture);
      const e = entry(alice.address);
      await reg.connect(alice).register(...args(e));
      await expect(reg.connect(alice).revoke()).to.emit(reg, "IdentityRevoked").withArgs(alice.address, e.inviteTopic, 1);
      expect(await reg.isRegistered(alice.address)).to.equal(false);
      expect(await reg.topicOwner(e.inviteTopic)).to.equal(ethers.ZeroAddress);
      await expect(reg.identityOf(alice.address)).to.be.revertedWithCustomError(reg, "NotRegistered");
      await expect(reg.connect(alice).register(...args(e))).to.emit(reg, "IdentityRegistered");
    });

    it("reverts when not registered", async function () {
      const { reg, alice } = await loadFixture(fixture);
      await expect(reg.connect(alice).revoke()).to.be.revertedWithCustomError(reg, "NotRegistered").withArgs(alice.address);
    });
  });

  describe("signed changes (relayer submits)", function () {
    it("registerFor / updateFor / revokeFor with EOA signatures", async function () {
      const ctx = await loadFixture(fixture);
      const { reg, relayer, alice } = ctx;
      const e1 = entry(alice.address);
      let s = await sign(ctx, alice, "Register", alice.address, e1);
      await expect(reg.connect(relayer).registerFor(alice.address, ...args(e1), s.deadline, s.sig))
        .to.emit(reg, "IdentityRegistered")
        .withArgs(alice.address, e1.identityKey, e1.inviteTopic, OPEN, 0, "0x", 30, DROP_OLDEST, 0);

      const e2 = entry(alice.address, { publishPolicy: CREDENTIAL, credentialIssuerKey: "0xabcdef" });
      s = await sign(ctx, alice, "Update", alice.address, e2);
      await expect(reg.connect(relayer).updateFor(alice.address, ...args(e2), s.deadline, s.sig))
        .to.emit(reg, "IdentityUpdated")
        .withArgs(alice.address, e2.identityKey, e2.inviteTopic, CREDENTIAL, 0, "0xabcdef", 30, DROP_OLDEST, 1);

      s = await sign(ctx, alice, "Revoke", alice.address);
      await expect(reg.connect(relayer).revokeFor(alice.address, s.deadline, s.sig))
        .to.emit(reg, "IdentityRevoked")
        .withArgs(alice.address, e2.inviteTopic, 2);
      expect(await reg.nonces(alice.address)).to.equal(3n);
    });

    it("a digest built from domainSeparator() and the typehash matches what the wallet signs", async function () {
      const ctx = await loadFixture(fixture);
      expect(await ctx.reg.domainSeparator()).to.equal(ethers.TypedDataEncoder.hashDomain(ctx.domain));
      const d = await ctx.reg.eip712Domain(); // ERC-5267
      expect([d.name, d.version, d.chainId, d.verifyingContract]).to.deep.equal([
        ctx.domain.name,
        ctx.domain.version,
        ctx.domain.chainId,
        ctx.domain.verifyingContract,
      ]);
      expect(await ctx.reg.REVOKE_TYPEHASH()).to.equal(ethers.id("Revoke(address wallet,uint256 nonce,uint256 deadline)"));
      expect(await ctx.reg.REGISTER_TYPEHASH()).to.equal(ethers.id(ethers.TypedDataEncoder.from(TYPES.Register).encodeType("Register")));
      expect(await ctx.reg.UPDATE_TYPEHASH()).to.equal(ethers.id(ethers.TypedDataEncoder.from(TYPES.Update).encodeType("Update")));
    });

    it("accepts an ERC-1271 smart-contract wallet", async function () {
      const ctx = await loadFixture(fixture);
      const { reg, relayer, alice } = ctx;
      const wallet = await (await ethers.getContractFactory("MockERC1271Wallet")).deploy(alice.address);
      const w = await wallet.getAddress();
      const e = entry(w);
      const s = await sign(ctx, alice, "Register", w, e);
      await expect(reg.connect(relayer).registerFor(w, ...args(e), s.deadline, s.sig)).to.emit(reg, "IdentityRegistered");
      expect(await reg.isRegistered(w)).to.equal(true);
      const bad = await sign(ctx, relayer, "Revoke", w); // signed by someone the wallet does not accept
      await expect(reg.revokeFor(w, bad.deadline, bad.sig)).to.be.revertedWithCustomError(reg, "InvalidSignature");
    });

    it("reverts after the deadline", async function () {
      const ctx = await loadFixture(fixture);
      const e = entry(ctx.alice.address);
      const deadline = (await lastBlockTime()) + 10n; // an input; the transactions below are mined after it
      const s = await sign(ctx, ctx.alice, "Register", ctx.alice.address, e, { deadline });
      await time.increaseTo(deadline + 1n);
      await expect(ctx.reg.registerFor(ctx.alice.address, ...args(e), deadline, s.sig))
        .to.be.revertedWithCustomError(ctx.reg, "ExpiredSignature")
        .withArgs(deadline);
      const r = await sign(ctx, ctx.alice, "Revoke", ctx.alice.address, undefined, { deadline });
      await expect(ctx.reg.revokeFor(ctx.alice.address, deadline, r.sig)).to.be.revertedWithCustomError(ctx.reg, "ExpiredSignature");
      const u = await sign(ctx, ctx.alice, "Update", ctx.alice.address, e, { deadline });
      await expect(ctx.reg.updateFor(ctx.alice.address, ...args(e), deadline, u.sig)).to.be.revertedWithCustomError(ctx.reg, "ExpiredSignature");
    });

    it("reverts on a wrong signer, altered fields, a wrong type and a wrong nonce", async function () {
      const ctx = await loadFixture(fixture);
      const { reg, alice, bob } = ctx;
      const e = entry(alice.address);
      const byBob = await sign(ctx, bob, "Register", alice.address, e);
      await expect(reg.registerFor(alice.address, ...args(e), byBob.deadline, byBob.sig)).to.be.revertedWithCustomError(reg, "InvalidSignature");
      const s = await sign(ctx, alice, "Register", alice.address, e);
      const altered = { ...e, retentionDays: 31 };
      await expect(reg.registerFor(alice.address, ...args(altered), s.deadline, s.sig)).to.be.revertedWithCustomError(reg, "InvalidSignature");
      const asUpdate = await sign(ctx, alice, "Update", alice.address, e);
      await expect(reg.registerFor(alice.address, ...args(e), asUpdate.deadline, asUpdate.sig)).to.be.revertedWithCustomError(
        reg,
        "InvalidSignature",
      );
      const future = await sign(ctx, alice, "Register", alice.address, e, { nonce: 1n });
      await expect(reg.registerFor(alice.address, ...args(e), future.deadline, future.sig)).to.be.revertedWithCustomError(reg, "InvalidSignature");
      await expect(reg.registerFor(alice.address, ...args(e), s.deadline, "0x1234")).to.be.revertedWithCustomError(reg, "InvalidSignature");
      const forZero = await sign(ctx, alice, "Register", ethers.ZeroAddress, e);
      await expect(reg.registerFor(ethers.ZeroAddress, ...args(e), forZero.deadline, forZero.sig)).to.be.revertedWithCustomError(
        reg,
        "InvalidSignature",
      );
    });

    it("a signature cannot be replayed, and a direct change voids outstanding signatures", async function () {
      const ctx = await loadFixture(fixture);
      const { reg, alice } = ctx;
      const e = entry(alice.address);
      const s = await sign(ctx, alice, "Register", alice.address, e);
      await reg.registerFor(alice.address, ...args(e), s.deadline, s.sig);
      await reg.connect(alice).revoke(); // nonce 1 used directly
      await expect(reg.registerFor(alice.address, ...args(e), s.deadline, s.sig)).to.be.revertedWithCustomError(reg, "InvalidSignature");

      await reg.connect(alice).register(...args(e)); // nonce 2
      const u = await sign(ctx, alice, "Update", alice.address, { ...e, retentionDays: 2 }); // nonce 3
      await reg.connect(alice).update(...args({ ...e, retentionDays: 9 })); // direct, uses nonce 3
      await expect(reg.updateFor(alice.address, ...args({ ...e, retentionDays: 2 }), u.deadline, u.sig)).to.be.revertedWithCustomError(
        reg,
        "InvalidSignature",
      );
      expect((await reg.identityOf(alice.address)).retentionDays).to.equal(9n);
    });

    it("signed calls revert like direct ones on state errors", async function () {
      const ctx = await loadFixture(fixture);
      const { reg, alice } = ctx;
      const e = entry(alice.address);
      let s = await sign(ctx, alice, "Update", alice.address, e);
      await expect(reg.updateFor(alice.address, ...args(e), s.deadline, s.sig)).to.be.revertedWithCustomError(reg, "NotRegistered");
      s = await sign(ctx, alice, "Revoke", alice.address);
      await expect(reg.revokeFor(alice.address, s.deadline, s.sig)).to.be.revertedWithCustomError(reg, "NotRegistered");
      const bad = { ...e, identityKey: "0x04" };
      s = await sign(ctx, alice, "Register", alice.address, bad);
      await expect(reg.registerFor(alice.address, ...args(bad), s.deadline, s.sig)).to.be.revertedWithCustomError(reg, "InvalidIdentityKey");
    });
  });
});
