package org.xmtpj.testing.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/**
 * Checkpoints on real chain-backed node processes (4 s epochs): two nodes that replicate compute the same cut and
 * root every epoch on their own, and a proof served by one verifies in the SDK against the other's root, while any
 * tampering is rejected with a reason. (The on-chain root replaces the second node once checkpoints are submitted.)
 */
class InclusionProofIT {
  private static final long EPOCH_SECONDS = 4;
  @TempDir
  static Path dir;
  static ChainNodes net;

  @BeforeAll
  static void start() throws Exception {
    net = new ChainNodes(LocalChain.builder().deployParameter("epochLength", EPOCH_SECONDS).start(), dir);
    net.provision(1, 10_000);
    net.provision(2, 10_000);
    net.staking(0).advanceEpoch();
    net.start(1);
    net.start(2);
  }

  @AfterAll
  static void stop() {
    if (net != null) {
      net.close();
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
      var result = client.publish(net.nodes.get(i % 2 + 1).httpUrl(), List.of(TestClients.envelope(topic, m)));
      assertThat(result.acked()).as("publish %d answered %s", i, result).isTrue();
    }
    long published = System.currentTimeMillis();
    // the first epoch whose boundary is 2 s after the last publish (replicated well before), once both computed it
    long[] epoch = new long[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
      Map<Long, String[]> one = checkpoints(1);
      Map<Long, String[]> two = checkpoints(2);
      for (var e : one.entrySet()) {
        if (Long.parseLong(e.getValue()[2]) > published + 2_000 && two.containsKey(e.getKey())) {
          epoch[0] = e.getKey();
          return true;
        }
      }
      return false;
    });
    String[] atOne = checkpoints(1).get(epoch[0]);
    String[] atTwo = checkpoints(2).get(epoch[0]);
    assertThat(atTwo[0]).as("both nodes computed the same root on their own").isEqualTo(atOne[0]);
    assertThat(atTwo[1]).as("and the same cut").isEqualTo(atOne[1]);
    byte[] root = HexFormat.of().parseHex(atTwo[0]);
    byte[] cutHash = HexFormat.of().parseHex(atTwo[1]);

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
    var epochZero = net.post(1, "/checkpoint/v1/inclusion-proof", JsonFormat.printer().print(
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

    var unknown = net.post(1, "/checkpoint/v1/inclusion-proof", JsonFormat.printer().print(
        InclusionProofRequest.newBuilder().setContentTopic(topic).setMessageId(ByteString.copyFrom(new byte[32]))
            .setEpoch(epoch[0]).build()));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no message with that id");
    var bad = net.post(1, "/checkpoint/v1/inclusion-proof", "{\"contentTopic\":\"" + topic + "\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("message_id must be 32 bytes");
  }

  @Test
  void shouldFetchAndVerifyTheProofOfAConversationMessageThroughTheSdkOverHttpAndGrpc() throws Exception {
    java.security.SecureRandom random = new java.security.SecureRandom();
    try (XmtpClient alice = XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(random)))
            .node(net.nodes.get(1).httpUrl()).build();
        XmtpClient bob = XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(random)))
            .node("grpc://127.0.0.1:" + net.nodes.get(2).grpcPort()).build()) {
      await().atMost(Duration.ofSeconds(30)).until(() -> alice.canMessage(bob.address()));
      alice.conversations().newConversation(bob.address()).send("prove me");
      long sent = System.currentTimeMillis();
      long[] epoch = new long[1];
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
        for (var e : checkpoints(2).entrySet()) {
          if (Long.parseLong(e.getValue()[2]) > sent + 2_000 && checkpoints(1).containsKey(e.getKey())) {
            epoch[0] = e.getKey();
            return true;
          }
        }
        return false;
      });
      byte[] rootAtOne = HexFormat.of().parseHex(checkpoints(1).get(epoch[0])[0]);
      byte[] rootAtTwo = HexFormat.of().parseHex(checkpoints(2).get(epoch[0])[0]);
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
    var result = client.publish(net.nodes.get(2).httpUrl(), List.of(TestClients.envelope(topic, message)));
    assertThat(result.acked()).as("publish answered %s", result).isTrue();
    long published = System.currentTimeMillis();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> checkpoints(1).values()
        .stream().anyMatch(c -> Long.parseLong(c[2]) > published + 2_000));

    NodeProcess one = net.nodes.get(1).restart().awaitBootstrapped(Duration.ofSeconds(60));
    long caughtUp = System.currentTimeMillis();
    Pattern loadedLine = Pattern.compile("checkpoint state of epoch (\\d+) loaded from");
    long[] saved = new long[1];
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Matcher m = loadedLine.matcher(java.nio.file.Files.readString(one.logFile()));
      return m.find() && (saved[0] = Long.parseLong(m.group(1))) >= 0;
    });

    String[] atOne = checkpoints(1).get(saved[0]);
    String[] atTwo = checkpoints(2).get(saved[0]);
    assertThat(atOne).as("the saved epoch is served again").isNotNull();
    assertThat(Long.parseLong(atOne[2])).as("and holds the message").isGreaterThan(published + 2_000);
    assertThat(atOne[0]).isEqualTo(atTwo[0]);
    byte[] id = Sha256.hash(message);
    assertThat(InclusionVerifier.verify(proof(1, topic, id, saved[0]), topic, id, saved[0],
        HexFormat.of().parseHex(atTwo[0]), HexFormat.of().parseHex(atTwo[1])).valid()).isTrue();
    // an epoch that fell due while node 1 was away may lack what node 2 wrote meanwhile (signatures included):
    // compare the first one whose boundary is 2 s after node 1 caught up
    long[] later = new long[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
      Map<Long, String[]> two = checkpoints(2);
      for (var e : checkpoints(1).entrySet()) {
        if (Long.parseLong(e.getValue()[2]) > caughtUp + 2_000 && two.containsKey(e.getKey())) {
          later[0] = e.getKey();
          return true;
        }
      }
      return false;
    });
    assertThat(checkpoints(1).get(later[0])[0]).as("epoch %d, computed on from the saved state", later[0])
        .isEqualTo(checkpoints(2).get(later[0])[0]);
    assertThat(java.nio.file.Files.readString(one.logFile())).doesNotContain("checkpoint state journal")
        .doesNotContain("could not save the checkpoint state");
  }

  /** epoch → {root, cutHash, boundaryMs} from GET /debug/checkpoints. */
  private static Map<Long, String[]> checkpoints(int node) throws Exception {
    Matcher m = Pattern.compile("\\{\"epoch\":(\\d+),\"boundaryMs\":(\\d+),\"root\":\"([0-9a-f]{64})\","
        + "\"cutHash\":\"([0-9a-f]{64})\"").matcher(net.get(node, "/debug/checkpoints"));
    Map<Long, String[]> out = new LinkedHashMap<>();
    while (m.find()) {
      out.put(Long.parseLong(m.group(1)), new String[] {m.group(3), m.group(4), m.group(2)});
    }
    return out;
  }

  private static InclusionProof proof(int node, String topic, byte[] id, long epoch) throws Exception {
    var response = net.post(node, "/checkpoint/v1/inclusion-proof", JsonFormat.printer().print(
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
