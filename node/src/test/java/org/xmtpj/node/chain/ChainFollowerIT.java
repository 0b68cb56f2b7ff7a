package org.xmtpj.node.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.chain.token.TokenClient;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.PeerInfo;

/** The follower against a real Hardhat chain: it tracks the registry and survives a reorg made with evm_revert. */
class ChainFollowerIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static LocalChain chain;

  @BeforeAll
  static void startChain() {
    chain = LocalChain.start();
  }

  @AfterAll
  static void stopChain() {
    if (chain != null) {
      chain.close();
    }
  }

  private static ChainConfig config() {
    return ChainConfig.of(chain.rpcUrl(), chain.deploymentFile()).withPollInterval(Duration.ofMillis(100));
  }

  private static byte[] randomKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  /** Funds account {@code a}, registers a node for it at {@code endpoint} and self-stakes the minimum. */
  private static long registerAndStake(int a, Ed25519KeyPair key, String endpoint) {
    try (ChainSession deployer = chain.connect().withSigner(chain.deployer());
        ChainSession op = chain.connect().withSigner(chain.accounts().get(a))) {
      TokenClient.connect(deployer).transfer(chain.accounts().get(a).address(), TokenClient.tokens(10_000));
      long id = NodeRegistryClient.connect(op).register(key, endpoint, 0);
      StakingClient.connect(op).delegate(id, TokenClient.tokens(10_000));
      return id;
    }
  }

  private static void snapshotEpoch() {
    try (ChainSession deployer = chain.connect().withSigner(chain.deployer())) {
      chain.increaseTime(Duration.ofSeconds(chain.deployment().epochLength()));
      StakingClient.connect(deployer).advanceEpoch();
    }
  }

  @Test
  void shouldTrackTheActiveSetAndDropARegistrationThatAReorgRemoved() throws IOException {
    OriginKey self = new OriginKey(randomKey());
    try (ChainFollower follower = ChainFollower.start(config(), self, Clock.systemUTC(), new PrometheusRegistry(),
        WAIT)) {
      Ed25519KeyPair peer = Ed25519KeyPair.generate(RANDOM);
      byte[] peerKey = peer.publicKey();
      registerAndStake(1, peer, "127.0.0.1:7001");
      snapshotEpoch();
      await().atMost(WAIT).until(() -> follower.membership().peers()
          .contains(new PeerInfo(new OriginKey(peerKey), "127.0.0.1", 7001)));

      String beforeFork = chain.snapshot();
      Ed25519KeyPair orphan = Ed25519KeyPair.generate(RANDOM);
      byte[] orphanKey = orphan.publicKey();
      registerAndStake(2, orphan, "127.0.0.1:7002");
      await().atMost(WAIT).until(() -> follower.state().idOf(new OriginKey(orphanKey)).isPresent());

      chain.revert(beforeFork);
      Ed25519KeyPair replacement = Ed25519KeyPair.generate(RANDOM);
      byte[] replacementKey = replacement.publicKey();
      registerAndStake(3, replacement, "127.0.0.1:7003");

      await().atMost(WAIT).until(() -> follower.state().idOf(new OriginKey(replacementKey)).isPresent());
      assertThat(follower.state().idOf(new OriginKey(orphanKey))).as("the reorg removed it").isEmpty();
      assertThat(follower.membership().isAuthorizedOrigin(new OriginKey(orphanKey))).isFalse();
      assertThat(follower.reorgs()).isPositive();
      assertThat(follower.status(self)).contains("\"reorgs\":" + follower.reorgs(), "\"stale\":false",
          "\"lagBlocks\":");
    }
  }

  @Test
  void shouldRefuseToStartWithAMessageNamingTheEndpointWhenTheChainIsUnreachable() {
    ChainConfig unreachable = new ChainConfig("http://127.0.0.1:1", chain.deploymentFile(), Duration.ofMillis(100),
        0, Duration.ofSeconds(5), null, false);

    assertThatThrownBy(() -> ChainFollower.start(unreachable, new OriginKey(randomKey()), Clock.systemUTC(),
        new PrometheusRegistry(), Duration.ofMillis(500)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("cannot read the chain at http://127.0.0.1:1")
        .hasMessageContaining(chain.deploymentFile().toString());
  }

  @Test
  void shouldRejectAChainConfigThatCannotWork() {
    assertThatThrownBy(() -> ChainConfig.of("ws://x", chain.deploymentFile()))
        .hasMessageContaining("http(s) URL");
    assertThatThrownBy(() -> ChainConfig.of("http://x", chain.deploymentFile()).withOperatorKey("abc"))
        .hasMessageContaining("32 bytes of hex");
  }
}
