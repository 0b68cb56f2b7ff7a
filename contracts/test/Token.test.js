"use strict";
const { expect } = require("chai");
const { ethers } = require("hardhat");
const { deploySystem, tokens, TEST_PARAMS, loadFixture } = require("./helpers");

describe("Token", function () {
  async function fixture() {
    return deploySystem();
  }

  describe("constructor", function () {
    it("mints the genesis supply once and grants the admin role", async function () {
      const d = await loadFixture(fixture);
      const [admin] = d.signers;
      expect(await d.token.name()).to.equal("XMTPJ Network Token");
      expect(await d.token.symbol()).to.equal("XMTPJ");
      expect(await d.token.decimals()).to.equal(18n);
      expect(await d.token.totalSupply()).to.equal(TEST_PARAMS.genesisSupply);
      expect(await d.token.balanceOf(admin.address)).to.equal(TEST_PARAMS.genesisSupply);
      expect(await d.token.totalMinted()).to.equal(TEST_PARAMS.genesisSupply);
      expect(await d.token.totalBurned()).to.equal(0n);
      expect(await d.token.hasRole(await d.token.DEFAULT_ADMIN_ROLE(), admin.address)).to.equal(true);
    });

    it("allows a zero genesis supply with no holder", async function () {
      const [admin] = await ethers.getSigners();
      const t = await (await ethers.getContractFactory("Token")).deploy("T", "T", admin.address, ethers.ZeroAddress, 0);
      expect(await t.totalSupply()).to.equal(0n);
    });

    it("reverts on a zero admin", async function () {
      const [a] = await ethers.getSigners();
      const F = await ethers.getContractFactory("Token");
      await expect(F.deploy("T", "T", ethers.ZeroAddress, a.address, 1)).to.be.revertedWithCustomError(F, "ZeroAddress");
    });

    it("reverts on a zero genesis holder with a supply", async function () {
      const [a] = await ethers.getSigners();
      const F = await ethers.getContractFactory("Token");
      await expect(F.deploy("T", "T", a.address, ethers.ZeroAddress, 1)).to.be.revertedWithCustomError(F, "ZeroAddress");
    });
  });

  describe("bindMinter", function () {
    it("was bound to Staking by the deployment", async function () {
      const d = await loadFixture(fixture);
      const staking = await d.staking.getAddress();
      expect(await d.token.minter()).to.equal(staking);
      expect(await d.token.hasRole(await d.token.MINTER_ROLE(), staking)).to.equal(true);
    });

    it("binds once and emits MinterBound", async function () {
      const [admin, m] = await ethers.getSigners();
      const t = await (await ethers.getContractFactory("Token")).deploy("T", "T", admin.address, admin.address, 1);
      await expect(t.bindMinter(m.address)).to.emit(t, "MinterBound").withArgs(m.address);
      await expect(t.bindMinter(m.address)).to.be.revertedWithCustomError(t, "MinterAlreadyBound");
    });

    it("reverts for a non-admin", async function () {
      const d = await loadFixture(fixture);
      const [, other] = d.signers;
      await expect(d.token.connect(other).bindMinter(other.address))
        .to.be.revertedWithCustomError(d.token, "AccessControlUnauthorizedAccount")
        .withArgs(other.address, await d.token.DEFAULT_ADMIN_ROLE());
    });

    it("reverts on the zero address", async function () {
      const [admin] = await ethers.getSigners();
      const t = await (await ethers.getContractFactory("Token")).deploy("T", "T", admin.address, admin.address, 1);
      await expect(t.bindMinter(ethers.ZeroAddress)).to.be.revertedWithCustomError(t, "ZeroAddress");
    });
  });

  describe("mint", function () {
    it("mints for the minter and counts it", async function () {
      const [admin, m, to] = await ethers.getSigners();
      const t = await (await ethers.getContractFactory("Token")).deploy("T", "T", admin.address, admin.address, 5);
      await t.bindMinter(m.address);
      await expect(t.connect(m).mint(to.address, 7)).to.changeTokenBalance(t, to, 7);
      expect(await t.totalMinted()).to.equal(12n);
      expect(await t.totalSupply()).to.equal(12n);
    });

    it("reverts for anyone else, the admin included", async function () {
      const d = await loadFixture(fixture);
      const [admin] = d.signers;
      await expect(d.token.connect(admin).mint(admin.address, 1))
        .to.be.revertedWithCustomError(d.token, "AccessControlUnauthorizedAccount")
        .withArgs(admin.address, await d.token.MINTER_ROLE());
    });
  });

  describe("roles", function () {
    it("never grants MINTER_ROLE through grantRole, even to the admin", async function () {
      const d = await loadFixture(fixture);
      const [admin, other] = d.signers;
      await expect(d.token.grantRole(await d.token.MINTER_ROLE(), other.address)).to.be.revertedWithCustomError(
        d.token,
        "MinterRoleLocked",
      );
      expect(await d.token.hasRole(await d.token.MINTER_ROLE(), admin.address)).to.equal(false);
    });

    it("grants and revokes other roles as AccessControl does", async function () {
      const d = await loadFixture(fixture);
      const [, other] = d.signers;
      const role = await d.token.DEFAULT_ADMIN_ROLE();
      await expect(d.token.grantRole(role, other.address)).to.emit(d.token, "RoleGranted");
      await expect(d.token.revokeRole(role, other.address)).to.emit(d.token, "RoleRevoked");
      await expect(d.token.connect(other).grantRole(role, other.address)).to.be.revertedWithCustomError(
        d.token,
        "AccessControlUnauthorizedAccount",
      );
    });

    it("lets the admin revoke the minter for good (emergency stop of inflation)", async function () {
      const [admin, m] = await ethers.getSigners();
      const t = await (await ethers.getContractFactory("Token")).deploy("T", "T", admin.address, admin.address, 1);
      await t.bindMinter(m.address);
      await t.revokeRole(await t.MINTER_ROLE(), m.address);
      await expect(t.connect(m).mint(m.address, 1)).to.be.revertedWithCustomError(t, "AccessControlUnauthorizedAccount");
      await expect(t.bindMinter(m.address)).to.be.revertedWithCustomError(t, "MinterAlreadyBound");
    });

    it("renounceRole needs the caller's confirmation", async function () {
      const d = await loadFixture(fixture);
      const [admin, other] = d.signers;
      const role = await d.token.DEFAULT_ADMIN_ROLE();
      await expect(d.token.renounceRole(role, other.address)).to.be.revertedWithCustomError(
        d.token,
        "AccessControlBadConfirmation",
      );
      await expect(d.token.renounceRole(role, admin.address)).to.emit(d.token, "RoleRevoked");
    });

    it("reports the admin role of each role", async function () {
      const d = await loadFixture(fixture);
      const admin = await d.token.DEFAULT_ADMIN_ROLE();
      expect(await d.token.getRoleAdmin(await d.token.MINTER_ROLE())).to.equal(admin);
      expect(await d.token.getRoleAdmin(admin)).to.equal(admin);
    });

    it("supports the ERC-165 interface of AccessControl", async function () {
      const d = await loadFixture(fixture);
      expect(await d.token.supportsInterface("0x7965db0b")).to.equal(true); // IAccessControl
      expect(await d.token.supportsInterface("0xffffffff")).to.equal(false);
    });
  });

  describe("ERC-20 and burning", function () {
    it("transfers, approves and transfers from an allowance", async function () {
      const d = await loadFixture(fixture);
      const [admin, a, b] = d.signers;
      await expect(d.token.transfer(a.address, 10)).to.changeTokenBalances(d.token, [admin, a], [-10, 10]);
      await expect(d.token.connect(a).approve(b.address, 4)).to.emit(d.token, "Approval").withArgs(a.address, b.address, 4);
      await expect(d.token.connect(b).transferFrom(a.address, b.address, 4)).to.changeTokenBalances(d.token, [a, b], [-4, 4]);
      expect(await d.token.allowance(a.address, b.address)).to.equal(0n);
    });

    it("reverts transfers beyond balance or allowance", async function () {
      const d = await loadFixture(fixture);
      const [, a, b] = d.signers;
      await expect(d.token.connect(a).transfer(b.address, 1)).to.be.revertedWithCustomError(d.token, "ERC20InsufficientBalance");
      await expect(d.token.connect(b).transferFrom(d.signers[0].address, b.address, 1)).to.be.revertedWithCustomError(
        d.token,
        "ERC20InsufficientAllowance",
      );
    });

    it("reverts transfers, approvals and mints involving the zero address", async function () {
      const d = await loadFixture(fixture);
      await expect(d.token.transfer(ethers.ZeroAddress, 1)).to.be.revertedWithCustomError(d.token, "ERC20InvalidReceiver");
      await expect(d.token.approve(ethers.ZeroAddress, 1)).to.be.revertedWithCustomError(d.token, "ERC20InvalidSpender");
      const [admin, m] = await ethers.getSigners();
      const t = await (await ethers.getContractFactory("Token")).deploy("T", "T", admin.address, admin.address, 1);
      await t.bindMinter(m.address);
      await expect(t.connect(m).mint(ethers.ZeroAddress, 1)).to.be.revertedWithCustomError(t, "ERC20InvalidReceiver");
    });

    it("burns own tokens and counts them", async function () {
      const d = await loadFixture(fixture);
      const before = await d.token.totalSupply();
      await expect(d.token.burn(tokens(3))).to.emit(d.token, "Transfer").withArgs(d.signers[0].address, ethers.ZeroAddress, tokens(3));
      expect(await d.token.totalBurned()).to.equal(tokens(3));
      expect(await d.token.totalSupply()).to.equal(before - tokens(3));
    });

    it("burns from an allowance", async function () {
      const d = await loadFixture(fixture);
      const [admin, b] = d.signers;
      await d.token.approve(b.address, 5);
      await expect(d.token.connect(b).burnFrom(admin.address, 5)).to.changeTokenBalance(d.token, admin, -5);
      expect(await d.token.totalBurned()).to.equal(5n);
    });

    it("reverts burns beyond balance or allowance", async function () {
      const d = await loadFixture(fixture);
      const [admin, a] = d.signers;
      await expect(d.token.connect(a).burn(1)).to.be.revertedWithCustomError(d.token, "ERC20InsufficientBalance");
      await expect(d.token.connect(a).burnFrom(admin.address, 1)).to.be.revertedWithCustomError(d.token, "ERC20InsufficientAllowance");
    });
  });
});
