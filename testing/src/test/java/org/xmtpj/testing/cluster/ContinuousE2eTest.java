package org.xmtpj.testing.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.testing.TestClients;
import org.xmtpj.testing.cluster.LocalCluster.Mode;

/**
 * Scenario 18 of replication-prior-art.md §5.e, as xmtpd's continuous e2e runner does it: publish on every node,
 * subscribe on every node, and measure time-to-visible on all of them; the SLO is checked by the test and each
 * node exports the same delays as the {@code xmtpd_replication_delay_seconds} histogram (logged when breached).
 */
class ContinuousE2eTest {
  private static final long SLO_MS = 2_000;
  private static final int NODES = 3;
  private static final int MESSAGES = 90;
  private static final String TOPIC = "/xmtp/0/m-e2e/proto";
  private static final TestClients CLIENT = TestClients.newIdentity();

  @TempDir
  Path dir;

  @Test
  void shouldDeliverEveryPublishToSubscribersOnAllNodesWithinSlo() throws Exception {
    // start() returns once every node is bootstrapped, so no publish meets a first catch-up still under way
    try (LocalCluster cluster = LocalCluster.builder(Mode.IN_JVM, dir).nodes(NODES).start()) {
      List<StreamReader> streams = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        streams.add(StreamReader.open(cluster.node(i).httpUrl(), List.of(TOPIC)));
      }
      Map<String, Long> sentAt = new HashMap<>();
      for (int m = 0; m < MESSAGES; m++) {
        String body = "p" + (m % NODES) + "-" + m;
        sentAt.put(Base64.getEncoder().encodeToString(body.getBytes()), System.nanoTime());
        Envelope e = Envelope.newBuilder().setContentTopic(TOPIC).setTimestampNs(1_000 + m)
            .setMessage(ByteString.copyFromUtf8(body)).build();
        assertThat(CLIENT.publish(cluster.node(m % NODES).httpUrl(), List.of(e)).status()).isEqualTo(200);
        Thread.sleep(10); // sets the load shape, a steady ~100 publishes/s; not a wait, so no condition applies
      }
      List<Long> latenciesMs = new ArrayList<>();
      for (int i = 0; i < NODES; i++) {
        latenciesMs.addAll(deliveries(streams.get(i), i, sentAt));
      }
      for (StreamReader s : streams) {
        s.close();
      }
      assertWithinSlo(latenciesMs);
      HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create(cluster.node(1).httpUrl() + "/metrics")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(metrics.body()).containsPattern("xmtpd_replication_delay_seconds_count [1-9]");
    }
  }

  /** Reads node {@code i}'s stream until every message came, each once; returns each one's time-to-visible. */
  private static List<Long> deliveries(StreamReader stream, int i, Map<String, Long> sentAt) throws Exception {
    List<Long> latenciesMs = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    while (seen.size() < MESSAGES) {
      StreamReader.Line line = stream.nextTimed(10, TimeUnit.SECONDS);
      assertThat(line).as("node %d stream got %d of %d", i, seen.size(), MESSAGES).isNotNull();
      if (line.text().equals("{\"result\":{}}")) {
        continue; // a keep-alive
      }
      String msg = line.text().replaceAll(".*\"message\":\"([^\"]+)\".*", "$1");
      assertThat(seen.merge(msg, 1, Integer::sum)).as("delivered once on node %d: %s", i, msg).isEqualTo(1);
      latenciesMs.add((line.arrivedNanos() - sentAt.get(msg)) / 1_000_000);
    }
    return latenciesMs;
  }

  private static void assertWithinSlo(List<Long> latenciesMs) {
    latenciesMs.sort(null);
    long p50 = latenciesMs.get(latenciesMs.size() / 2);
    long p99 = latenciesMs.get((int) (latenciesMs.size() * 0.99));
    System.out.printf("time-to-visible over %d deliveries on %d nodes: p50 %d ms, p99 %d ms, max %d ms%n",
        latenciesMs.size(), NODES, p50, p99, latenciesMs.get(latenciesMs.size() - 1));
    assertThat(p99).as("p99 time-to-visible (SLO %d ms)", SLO_MS).isLessThanOrEqualTo(SLO_MS);
  }
}
