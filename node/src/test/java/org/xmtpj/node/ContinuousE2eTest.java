package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 18 of replication-prior-art.md §5.e, as xmtpd's continuous e2e runner does it: publish on every node,
 * subscribe on every node, and measure time-to-visible on all of them; the SLO is checked by the test and each
 * node exports the same delays as the {@code xmtpd_replication_delay_seconds} histogram (logged when breached).
 */
class ContinuousE2eTest {
  private static final long SLO_MS = 2_000;

  @TempDir
  Path dir;

  @Test
  void shouldDeliverEveryPublishToSubscribersOnAllNodesWithinSlo() throws Exception {
    int n = 3;
    int messages = 90;
    String topic = "/xmtp/0/m-e2e/proto";
    try (ReplicatedCluster cluster = new ReplicatedCluster(dir, n, Duration.ofSeconds(2))) {
      cluster.publish(0, "/xmtp/0/m-warmup/proto", 1, new byte[] {1}); // waits out the first vector checks
      List<StreamReader> streams = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        streams.add(StreamReader.open(cluster.get(i), List.of(topic)));
      }
      Map<String, Long> sentAt = new HashMap<>();
      for (int m = 0; m < messages; m++) {
        String body = "p" + (m % n) + "-" + m;
        sentAt.put(Base64.getEncoder().encodeToString(body.getBytes()), System.nanoTime());
        assertThat(cluster.publish(m % n, topic, 1_000 + m, body.getBytes()).statusCode()).isEqualTo(200);
        Thread.sleep(10); // sets the load shape, a steady ~100 publishes/s; not a wait, so no condition applies
      }
      List<Long> latenciesMs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        Map<String, Integer> seen = new HashMap<>();
        while (seen.size() < messages) {
          StreamReader.Line line = streams.get(i).nextTimed(10, TimeUnit.SECONDS);
          assertThat(line).as("node %d stream got %d of %d", i, seen.size(), messages).isNotNull();
          if (line.text().equals("{\"result\":{}}")) {
            continue;
          }
          String msg = line.text().replaceAll(".*\"message\":\"([^\"]+)\".*", "$1");
          assertThat(seen.merge(msg, 1, Integer::sum)).as("delivered once on node %d: %s", i, msg).isEqualTo(1);
          latenciesMs.add((line.arrivedNanos() - sentAt.get(msg)) / 1_000_000);
        }
      }
      for (StreamReader s : streams) {
        s.close();
      }
      latenciesMs.sort(null);
      long p50 = latenciesMs.get(latenciesMs.size() / 2);
      long p99 = latenciesMs.get((int) (latenciesMs.size() * 0.99));
      System.out.printf("time-to-visible over %d deliveries on %d nodes: p50 %d ms, p99 %d ms, max %d ms%n",
          latenciesMs.size(), n, p50, p99, latenciesMs.get(latenciesMs.size() - 1));
      assertThat(p99).as("p99 time-to-visible (SLO %d ms)", SLO_MS).isLessThanOrEqualTo(SLO_MS);
      NodeFixture f = cluster.get(1);
      String metrics = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/metrics"))).GET().build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(metrics).containsPattern("xmtpd_replication_delay_seconds_count [1-9]");
    }
  }
}
