package org.xmtpj.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.xmtpj.compat.JavaSdk.newWalletKey;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.checkpoint.FinalizedCheckpoint;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.InclusionProof;
import org.xmtpj.client.InclusionVerifier;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpException;
import org.xmtpj.testing.NodeProcess;
import org.xmtpj.testing.cluster.ChainNetwork;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * Issue 6: a message sent by the real xmtp-js through node 1 is proven by node 2 to the Java SDK, which checks the
 * proof against the root that the two staked nodes finalized on chain (a local Hardhat chain, 5 s epochs).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class JsInclusionProofIT {

  @Test
  void shouldVerifyAMessageSentByXmtpJsAgainstTheRootFinalizedOnChain() throws Exception {
    XmtpJs.ensureInstalled();
    Path dir = Files.createTempDirectory(Files.createDirectories(XmtpJs.TARGET_DIR), "inclusion-proof-");
    try (LocalCluster cluster = LocalCluster.builder(Mode.PROCESS, dir).nodes(2)
        .chain(LocalChain.builder().deployParameter("epochLength", 5)
            .deployParameter("gateRewardsByCheckpoints", true).start()).start()) {
      ChainNetwork net = cluster.chain();
      LocalChain chain = net.chain();
      for (int i = 1; i <= 2; i++) {
        // registered with the placeholder endpoint until the node runs and its port is known
        net.provision(i, 10_000);
      }
      net.staking(0).advanceEpoch(); // both nodes form the first active set
      for (int i = 1; i <= 2; i++) {
        net.launch(i);
      }
      for (int i = 1; i <= 2; i++) {
        net.awaitBootstrapped(i); // else publishes may meet catching_up
      }
      List<NodeProcess> nodes = List.of(net.process(1), net.process(2));
      String bobKey = newWalletKey();
      try (JsClient alice = JsClient.start("alice");
          XmtpClient bob = JavaSdk.client(bobKey, "grpc://127.0.0.1:" + nodes.get(1).grpcPort())) {
        alice.create(newWalletKey(), nodes.get(0).httpUrl());
        JsClient.Conversation started = alice.newConversation(bob.address());
        JsClient.Sent sent = alice.send(started.topic(), "prove me, from xmtp-js");
        await().atMost(Duration.ofSeconds(30)).until(() -> !bob.conversations().list().isEmpty());
        Conversation atBob = bob.conversations().list().getFirst();
        DecodedMessage message = atBob.messages().messages().stream().filter(m -> m.id().equals(sent.id()))
            .findFirst().orElseThrow();

        CheckpointsClient checkpoints = net.checkpoints();
        InclusionProof[] proof = new InclusionProof[1];
        long[] epoch = new long[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
          var last = checkpoints.lastFinalizedEpoch();
          if (last.isEmpty()) {
            return false;
          }
          try {
            proof[0] = bob.inclusionProof(message, last.getAsLong());
            epoch[0] = last.getAsLong();
            return true;
          } catch (XmtpException notYet) {
            return false; // the message is newer than the last finalized cut
          }
        });
        FinalizedCheckpoint finalized = checkpoints.checkpoint(epoch[0]).orElseThrow();
        byte[] id = HexFormat.of().parseHex(message.id());

        var verdict = InclusionVerifier.verify(proof[0], message.topic(), id, epoch[0], finalized.root(),
            finalized.cutHash());
        assertThat(verdict.valid()).as(verdict.reason()).isTrue();
        assertThat(finalized.signers()).containsExactly(1L, 2L);

        assertXmtpVerifyAgrees(dir, chain, nodes.get(1), bobKey, message.id(), epoch[0]);

        Optional<FinalizedCheckpoint> earlier = checkpoints.checkpoint(epoch[0] - 1);
        if (earlier.isPresent() && !java.util.Arrays.equals(earlier.get().root(), finalized.root())) {
          assertThat(InclusionVerifier.verify(proof[0], message.topic(), id, epoch[0], earlier.get().root(), null)
              .reason()).contains("not the root finalized on chain");
        }
      }
    }
  }

  /** Bob's own {@code xmtp verify}, in its own JVM: it finds the message, fetches the proof, checks the chain. */
  private static void assertXmtpVerifyAgrees(Path dir, LocalChain chain, NodeProcess node, String walletKey,
      String messageId, long epoch) throws Exception {
    XmtpCli xmtp = new XmtpCli(dir.resolve("bob-home"), List.of("--node", node.httpUrl(), "--chain-rpc",
        chain.rpcUrl(), "--deployment", chain.deploymentFile().toString()));
    XmtpCli.Run init = xmtp.run("init", "--import-key", walletKey);
    assertThat(init.code()).as(init.err()).isZero();
    XmtpCli.Run verified = xmtp.run("verify", messageId, "--epoch", String.valueOf(epoch));
    assertThat(verified.code()).as(verified.out() + verified.err()).isZero();
    assertThat(verified.out()).contains("verified: message " + messageId + " is in the checkpoint of epoch " + epoch)
        .contains("signed by nodes [1, 2] with 20,000 tokens of 20,000 tokens stake");
    XmtpCli.Run unknown = xmtp.run("verify", "00".repeat(32));
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err()).contains("no message " + "00".repeat(32) + " in your conversations");
  }
}
