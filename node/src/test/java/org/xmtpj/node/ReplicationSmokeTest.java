package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.node.replication.PeerInfo;

/** Three real nodes in one JVM, peered over loopback gRPC: what one stores, the others get. */
class ReplicationSmokeTest {
  @TempDir
  Path dir;

  @Test
  void shouldReplicatePublishesToEveryPeerAndAgreeOnFingerprint() throws Exception {
    int n = 3;
    int[] ports = new int[n];
    String[] keys = new String[n];
    for (int i = 0; i < n; i++) {
      try (ServerSocket s = new ServerSocket(0)) {
        ports[i] = s.getLocalPort();
      }
      keys[i] = HexFormat.of().formatHex(NodeKey.loadOrCreate(dir.resolve("n" + i)).publicKey());
    }
    List<NodeFixture> nodes = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        List<PeerInfo> peers = new ArrayList<>();
        for (int j = 0; j < n; j++) {
          if (j != i) {
            peers.add(PeerInfo.parse(keys[j] + "@127.0.0.1:" + ports[j]));
          }
        }
        int port = ports[i];
        nodes.add(new NodeFixture(dir.resolve("n" + i), c -> c.withReplication(c.replication().withPort(port)
            .withPeers(peers).withAntiEntropyInterval(Duration.ofSeconds(2)))));
      }
      String topic = "/xmtp/0/m-smoke/proto";
      for (int i = 0; i < 30; i++) {
        NodeFixture origin = nodes.get(i % n);
        HttpResponse<String> r = awaitPublish(origin, topic, 1_000 + i, ("m" + i).getBytes());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      List<String> fingerprints;
      do {
        Thread.sleep(200);
        fingerprints = nodes.stream().map(f -> fingerprint(f)).toList();
      } while (System.nanoTime() < deadline
          && (fingerprints.stream().distinct().count() > 1 || !nodes.get(2).query(topic, 100, null, null).body()
              .contains(java.util.Base64.getEncoder().encodeToString("m0".getBytes()))));
      assertThat(fingerprints.stream().distinct()).as(fingerprints.toString()).hasSize(1);
      for (NodeFixture f : nodes) {
        String body = f.query(topic, 100, null, null).body();
        for (int i = 0; i < 30; i++) {
          assertThat(body).contains(java.util.Base64.getEncoder().encodeToString(("m" + i).getBytes()));
        }
      }
    } finally {
      nodes.forEach(NodeFixture::close);
    }
  }

  /** A node refuses publishes until its first vector check with peers has finished. */
  private static HttpResponse<String> awaitPublish(NodeFixture f, String topic, long ts, byte[] msg)
      throws Exception {
    HttpResponse<String> r = f.publish(f.alice, topic, ts, msg);
    for (int i = 0; i < 100 && r.statusCode() == 503; i++) {
      Thread.sleep(100);
      r = f.publish(f.alice, topic, ts, msg);
    }
    return r;
  }

  private static String fingerprint(NodeFixture f) {
    try {
      HttpResponse<String> r = f.http.send(java.net.http.HttpRequest.newBuilder(
          java.net.URI.create(f.url("/debug/replication"))).GET().build(), HttpResponse.BodyHandlers.ofString());
      String body = r.body();
      int i = body.indexOf("\"fingerprint\":\"") + 15;
      return body.substring(i, body.indexOf('"', i));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
