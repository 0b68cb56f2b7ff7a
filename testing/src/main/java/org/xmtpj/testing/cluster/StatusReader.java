package org.xmtpj.testing.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads a node's status documents over HTTP: short timeouts, since a condition polls a node that may be down. */
final class StatusReader {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final String SYNC_ROUNDS = "xmtpd_replication_sync_rounds_total{";

  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2))
      .build();

  ReplicationStatus replication(ClusterNode node) throws IOException, InterruptedException {
    return ReplicationStatus.parse(get(node, "/debug/replication"));
  }

  /**
   * The anti-entropy rounds the node has completed: the sum over peers of its {@code xmtpd_replication_sync_rounds}
   * counter, from the Prometheus text on {@code /metrics} (not JSON; one sample a line, the value last).
   */
  long syncRounds(ClusterNode node) throws IOException, InterruptedException {
    long total = 0;
    for (String line : get(node, "/metrics").split("\n")) {
      if (line.startsWith(SYNC_ROUNDS)) {
        total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** The body of {@code GET path}; an IOException unless the node answers 200. */
  String get(ClusterNode node, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(node.httpUrl() + path)).timeout(REQUEST_TIMEOUT)
        .GET().build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("GET " + node.httpUrl() + path + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }
}
