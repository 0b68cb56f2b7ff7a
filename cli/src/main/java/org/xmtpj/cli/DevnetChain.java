package org.xmtpj.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.ActiveSet;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Ed25519KeyPair;

/**
 * The chain side of a devnet: a local Hardhat chain with the contracts deployed, and every devnet node funded,
 * registered (its node key, its replication endpoint) and self-staked by its own operator account, then one epoch
 * snapshot so that they form the first active set. Account 0 is the deployer and holds the genesis supply; node
 * i is operated by account i; the accounts after the nodes are left for people to delegate with.
 */
final class DevnetChain {
  /** Self-stake of each devnet node, in whole tokens: above the contract's minimum so that they can delegate. */
  static final long SELF_STAKE_TOKENS = 20_000;
  /** What each operator keeps besides its stake (for experiments with xmtpd stake). */
  static final long SPARE_TOKENS = 10_000;
  static final int COMMISSION_BPS = 1_000;

  private DevnetChain() {}

  /** The operator account of devnet node {@code index} (from 1). */
  static Signer operator(LocalChain chain, int index) {
    List<Signer> accounts = chain.accounts();
    if (index >= accounts.size()) {
      throw new IllegalArgumentException("the local chain has " + accounts.size() + " accounts: at most "
          + (accounts.size() - 1) + " chain-backed devnet nodes");
    }
    return accounts.get(index);
  }

  /** Funds, registers and stakes one node, and writes its operator key file; returns the node id. */
  static long provision(LocalChain chain, int index, Ed25519KeyPair nodeKey, String endpoint, Path operatorKeyFile)
      throws IOException {
    Signer operator = operator(chain, index);
    writeKeyFile(operatorKeyFile, operator);
    try (ChainSession deployer = chain.connect().withSigner(chain.deployer());
        ChainSession session = chain.connect().withSigner(operator)) {
      TokenClient.connect(deployer).transfer(operator.address(),
          TokenClient.tokens(SELF_STAKE_TOKENS + SPARE_TOKENS));
      long id = NodeRegistryClient.connect(session).register(nodeKey, endpoint, COMMISSION_BPS);
      StakingClient.connect(session).delegate(id, TokenClient.tokens(SELF_STAKE_TOKENS));
      return id;
    }
  }

  /** Points node {@code index}'s registration at {@code endpoint}, sent by its operator (the owner of the node). */
  static void updateEndpoint(LocalChain chain, int index, long nodeId, String endpoint) {
    try (ChainSession session = chain.connect().withSigner(operator(chain, index))) {
      NodeRegistryClient.connect(session).updateEndpoint(nodeId, endpoint);
    }
  }

  /** Takes the current epoch's snapshot, so that the nodes staked so far are the active set. */
  static ActiveSet snapshot(LocalChain chain) {
    try (ChainSession deployer = chain.connect().withSigner(chain.deployer())) {
      return StakingClient.connect(deployer).advanceEpoch();
    }
  }

  /** Writes the operator key as hex, readable by the owner only (the node reads it with --operator-key-file). */
  static void writeKeyFile(Path file, Signer signer) throws IOException {
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, signer.privateKeyHex() + "\n", StandardOpenOption.TRUNCATE_EXISTING);
  }
}
