package org.xmtpj.testing.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.InclusionProof;
import org.xmtpj.client.InclusionVerifier;
import org.xmtpj.client.Signer;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpException;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.Sha256;
import org.xmtpj.proto.checkpoint.v1.InclusionProofRequest;
import org.xmtpj.proto.checkpoint.v1.InclusionProofResponse;
import org.xmtpj.testing.NodeProcess;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.ChainNetwork;
import org.xmtpj.testing.cluster.CheckpointStatus.Checkpoint;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * Checkpoints on real chain-backed node processes (4 s epochs): two nodes that replicate compute the same cut and
 * root every epoch on their own, and a proof served by one verifies in the SDK against the other's root, while any
 * tampering is rejected with a reason. (The on-chain root replaces the second node once checkpoints are submitted.)
 */
class InclusionProofIT {
  private static final long EPOCH_SECONDS = 4;
  private static final HttpClient HTTP = TestClients.newHttpClient();
  @TempDir
  static Path dir;
  static LocalCluster cluster;
  static ChainNetwork net;

  @BeforeAll
  static void start() {
    cluster = LocalCluster.builder(Mode.PROCESS, dir).nodes(2)
        .chain(LocalChain.builder().deployParameter("epochLength", EPOCH_SECONDS).start()).start();
    net = cluster.chain();
    net.provision(1, 10_000);
    net.provision(2, 10_000);
    net.staking(0).advanceEpoch();
    net.start(1);
    net.start(2);
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void shouldProveAMessageAgainstARootBothNodesComputedAndRejectTampering() throws Exception {
    TestClients client = TestClients.newIdentity();
    String topic = "/xmtp/0/m-proof-" + System.nanoTime() + "/proto";
    List<byte[]> messages = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      byte[] m = ("message " + i).getBytes(StandardCharsets.UTF_8);
      messages.add(m);
      var result = client.publish(net.node(i % 2 + 1).httpUrl(), List.of(TestClients.envelope(topic, m)));
      assertThat(result.acked()).as("publish %d answered %s", i, result).isTrue();
    }
    long published = System.currentTimeMillis();
    // the first epoch whose boundary is 2 s after the last publish (replicated well before), once both computed it
    long[] epoch = {net.awaitCheckpoint(c -> c.boundaryMs() > published + 2_000, 1, 2)};
    Checkpoint atOne = checkpoint(1, epoch[0]);
    Checkpoint atTwo = checkpoint(2, epoch[0]);
    assertThat(atTwo.root()).as("both nodes computed the same root on their own").isEqualTo(atOne.root());
    assertThat(atTwo.cutHash()).as("and the same cut").isEqualTo(atOne.cutHash());
    byte[] root = HexFormat.of().parseHex(atTwo.root());
    byte[] cutHash = HexFormat.of().parseHex(atTwo.cutHash());

    byte[] id = Sha256.hash(messages.get(2));
    InclusionProof proof = proof(1, topic, id, epoch[0]);
    assertThat(InclusionVerifier.verify(proof, topic, id, epoch[0], root, cutHash).valid()).isTrue();

    assertThat(InclusionVerifier.verify(proof, topic, Sha256.hash(messages.get(3)), epoch[0], root, cutHash)
        .reason()).contains("does not carry this envelope");
    assertThat(InclusionVerifier.verify(proof, topic + "x", id, epoch[0], root, cutHash).reason())
        .contains("does not carry this envelope");
    assertThat(InclusionVerifier.verify(proof, topic, id, epoch[0], null, null).reason())
        .contains("no finalized checkpoint");
    assertThat(InclusionVerifier.verify(proof, topic, id, epoch[0] + 1, root, cutHash).reason())
        .contains("is for epoch " + epoch[0]);
    List<byte[]> bentPath = new ArrayList<>(proof.path());
    byte[] first = bentPath.getFirst().clone();
    first[first.length - 1] ^= 1;
    bentPath.set(0, first);
    InclusionProof tampered = new InclusionProof(proof.epoch(), proof.cut(), proof.cutHash(), proof.root(),
        bentPath, proof.heads(), proof.siblings());
    assertThat(InclusionVerifier.verify(tampered, topic, id, epoch[0], root, cutHash).valid()).isFalse();
    List<byte[]> bentSiblings = new ArrayList<>(proof.siblings());
    if (!bentSiblings.isEmpty()) {
      byte[] sibling = bentSiblings.getFirst().clone(); // may be the empty hash: flip a bit, never overwrite
      sibling[0] ^= 1;
      bentSiblings.set(0, sibling);
      assertThat(InclusionVerifier.verify(new InclusionProof(proof.epoch(), proof.cut(), proof.cutHash(),
          proof.root(), proof.path(), proof.heads(), bentSiblings), topic, id, epoch[0], root, cutHash).reason())
          .contains("state proof fails");
    }

    // epoch 0 is the first epoch, not "the newest": asked for it, a node proves against it or refuses, never
    // against a later one (JsInclusionProofIT once verified a proof of epoch 1 that it had asked for as epoch 0)
    var epochZero = post(1, "/checkpoint/v1/inclusion-proof", JsonFormat.printer().print(
        InclusionProofRequest.newBuilder().setContentTopic(topic).setMessageId(ByteString.copyFrom(id))
            .setEpoch(0).build()));
    if (epochZero.statusCode() == 200) {
      InclusionProofResponse.Builder asked = InclusionProofResponse.newBuilder();
      JsonFormat.parser().merge(epochZero.body(), asked);
      assertThat(asked.getEpoch()).as("the epoch of a proof asked for epoch 0").isZero();
    } else {
      assertThat(epochZero.body()).as("epoch 0 refused: %s", epochZero.body()).containsAnyOf("epoch 0", "cut");
    }
    assertThat(epoch[0]).as("a later epoch exists, so reading 0 as newest would show").isPositive();

    var unknown = post(1, "/checkpoint/v1/inclusion-proof", JsonFormat.printer().print(
        InclusionProofRequest.newBuilder().setContentTopic(topic).setMessageId(ByteString.copyFrom(new byte[32]))
            .setEpoch(epoch[0]).build()));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no message with that id");
    var bad = post(1, "/checkpoint/v1/inclusion-proof", "{\"contentTopic\":\"" + topic + "\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("message_id must be 32 bytes");
  }

  @Test
  void shouldFetchAndVerifyTheProofOfAConversationMessageThroughTheSdkOverHttpAndGrpc() throws Exception {
    java.security.SecureRandom random = new java.security.SecureRandom();
    try (XmtpClient alice = XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(random)))
            .node(net.node(1).httpUrl()).build();
        XmtpClient bob = XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(random)))
            .node("grpc://127.0.0.1:" + net.node(2).grpcPort()).build()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> alice.canMessage(bob.address()));
      alice.conversations().newConversation(bob.address()).send("prove me");
      long sent = System.currentTimeMillis();
      long[] epoch = {net.awaitCheckpoint(c -> c.boundaryMs() > sent + 2_000, 2, 1)};
      byte[] rootAtOne = HexFormat.of().parseHex(checkpoint(1, epoch[0]).root());
      byte[] rootAtTwo = HexFormat.of().parseHex(checkpoint(2, epoch[0]).root());
      assertThat(rootAtTwo).isEqualTo(rootAtOne);
      DecodedMessage received = bob.conversations().list().getFirst().messages().messages().getFirst();
      assertThat(received.text()).isEqualTo("prove me");

      InclusionProof viaGrpc = bob.inclusionProof(received, epoch[0]);
      InclusionProof viaHttp = alice.inclusionProof(received, epoch[0]);
      byte[] id = HexFormat.of().parseHex(received.id());
      assertThat(InclusionVerifier.verify(viaGrpc, received.topic(), id, epoch[0], rootAtOne, null).valid())
          .isTrue();
      assertThat(InclusionVerifier.verify(viaHttp, received.topic(), id, epoch[0], rootAtTwo, null).valid())
          .isTrue();
      assertThatThrownBy(() -> bob.inclusionProof(received, epoch[0] + 1_000))
          .isInstanceOf(XmtpException.class).hasMessageContaining("no checkpoint of epoch");
    }
  }

  @Test
  void shouldGoOnFromTheSavedStateAfterARestartAndStillProveTheEpochItSaved() throws Exception {
    TestClients client = TestClients.newIdentity();
    String topic = "/xmtp/0/m-restart-" + System.nanoTime() + "/proto";
    byte[] message = "sent before node 1 restarts".getBytes(StandardCharsets.UTF_8);
    var result = client.publish(net.node(2).httpUrl(), List.of(TestClients.envelope(topic, message)));
    assertThat(result.acked()).as("publish answered %s", result).isTrue();
    long published = System.currentTimeMillis();
    net.awaitCheckpoint(c -> c.boundaryMs() > published + 2_000, 1);

    net.node(1).restart();
    net.awaitBootstrapped(1);
    NodeProcess one = net.process(1);
    long caughtUp = System.currentTimeMillis();
    Pattern loadedLine = Pattern.compile("checkpoint state of epoch (\\d+) loaded from");
    long[] saved = new long[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Matcher m = loadedLine.matcher(java.nio.file.Files.readString(one.logFile()));
      return m.find() && (saved[0] = Long.parseLong(m.group(1))) >= 0;
    });

    Optional<Checkpoint> savedAtOne = net.checkpointStatus(1).epoch(saved[0]);
    assertThat(savedAtOne).as("the saved epoch is served again").isPresent();
    Checkpoint atOne = savedAtOne.orElseThrow();
    Checkpoint atTwo = checkpoint(2, saved[0]);
    assertThat(atOne.boundaryMs()).as("and holds the message").isGreaterThan(published + 2_000);
    assertThat(atOne.root()).isEqualTo(atTwo.root());
    byte[] id = Sha256.hash(message);
    assertThat(InclusionVerifier.verify(proof(1, topic, id, saved[0]), topic, id, saved[0],
        HexFormat.of().parseHex(atTwo.root()), HexFormat.of().parseHex(atTwo.cutHash())).valid()).isTrue();
    // an epoch that fell due while node 1 was away may lack what node 2 wrote meanwhile (signatures included):
    // compare the first one whose boundary is 2 s after node 1 caught up
    long later = net.awaitCheckpoint(c -> c.boundaryMs() > caughtUp + 2_000, 1, 2);
    assertThat(checkpoint(1, later).root()).as("epoch %d, computed on from the saved state", later)
        .isEqualTo(checkpoint(2, later).root());
    assertThat(java.nio.file.Files.readString(one.logFile())).doesNotContain("checkpoint state journal")
        .doesNotContain("could not save the checkpoint state");
  }

  /** Node {@code node}'s checkpoint of {@code epoch}, which it must list. */
  private static Checkpoint checkpoint(int node, long epoch) {
    return net.checkpointStatus(node).epoch(epoch)
        .orElseThrow(() -> new AssertionError("node " + node + " lists no checkpoint of epoch " + epoch));
  }

  private static HttpResponse<String> post(int node, String path, String json) throws Exception {
    HttpRequest r = HttpRequest.newBuilder(URI.create(net.node(node).httpUrl() + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
  }

  private static InclusionProof proof(int node, String topic, byte[] id, long epoch) throws Exception {
    var response = post(node, "/checkpoint/v1/inclusion-proof", JsonFormat.printer().print(
        InclusionProofRequest.newBuilder().setContentTopic(topic).setMessageId(ByteString.copyFrom(id))
            .setEpoch(epoch).build()));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    InclusionProofResponse.Builder b = InclusionProofResponse.newBuilder();
    JsonFormat.parser().merge(response.body(), b);
    Map<String, Long> cut = new LinkedHashMap<>();
    b.getCutList().forEach(w -> cut.put(HexFormat.of().formatHex(w.getOrigin().toByteArray()), w.getWatermark()));
    return new InclusionProof(b.getEpoch(), cut, b.getCutHash().toByteArray(), b.getRoot().toByteArray(),
        b.getPathList().stream().map(ByteString::toByteArray).toList(),
        b.getHeadsList().stream().map(ByteString::toByteArray).toList(),
        b.getSiblingsList().stream().map(ByteString::toByteArray).toList());
  }
}
