package org.xmtpj.chain.staking;

import static org.xmtpj.chain.token.TokenClient.tokens;

import java.security.SecureRandom;
import java.time.Duration;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Ed25519KeyPair;

/** A local chain plus the steps staking tests repeat: fund an account, start a staked node, move to the next epoch. */
final class Network implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  final LocalChain chain;
  final ChainSession session;

  Network(LocalChain chain) {
    this.chain = chain;
    this.session = chain.connect();
  }

  String address(int account) {
    return chain.accounts().get(account).address();
  }

  ChainSession as(int account) {
    return session.withSigner(chain.accounts().get(account));
  }

  StakingClient staking(int account) {
    return StakingClient.connect(as(account));
  }

  TokenClient token() {
    return TokenClient.connect(session);
  }

  /** Gives an account tokens from the deployer (account 0, holder of the genesis supply). */
  void fund(int account, long wholeTokens) {
    TokenClient.connect(as(0)).transfer(address(account), tokens(wholeTokens));
  }

  /** Registers a node operated by {@code account} and self-stakes {@code selfStake} tokens; returns its id. */
  long startNode(int account, long selfStake, int commissionBps) {
    fund(account, selfStake);
    Ed25519KeyPair key = Ed25519KeyPair.generate(RANDOM);
    long id = NodeRegistryClient.connect(as(account)).register(key, "https://node-" + account + ".example",
        commissionBps);
    staking(account).delegate(id, tokens(selfStake));
    return id;
  }

  /** Moves the chain clock one epoch ahead and takes that epoch's snapshot (as any node's software would). */
  ActiveSet nextEpoch() {
    chain.increaseTime(Duration.ofSeconds(chain.deployment().epochLength()));
    return staking(0).advanceEpoch();
  }

  @Override
  public void close() {
    session.close();
    chain.close();
  }
}
