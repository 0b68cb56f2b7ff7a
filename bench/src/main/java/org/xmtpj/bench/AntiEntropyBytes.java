package org.xmtpj.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.xmtpj.testing.CountingProxy;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.ReplicationStatus;

/**
 * Bytes on the wire of in-sync anti-entropy. Two nodes hold identical data (node 2 gets a copy of node 1's
 * generated database), each reaches the other through a {@link CountingProxy} whose traffic is accounted per
 * HTTP/2 frame ({@link H2Tally}); with a short anti-entropy interval, every call and connection-level frame of a
 * measured window is counted, and the same is done for each topic count. Nothing is subtracted.
 */
final class AntiEntropyBytes {
  private AntiEntropyBytes() {}

  /** What one link carried during the window. */
  record LinkResult(String link, long up, long down, List<H2Tally.Call> calls, Map<String, long[]> connection) {
    long rounds() {
      return calls.stream().filter(c -> c.method.equals("GetVector")).count();
    }
  }

  static void run(Options o, RunDirectory run, Path datasets, Section s) throws InterruptedException {
    List<Integer> topicCounts = Arrays.stream(o.string("ae-topics", "10,100000").split(","))
        .map(String::trim).map(Integer::parseInt).toList();
    int size = o.intValue("size", 256);
    int warmup = o.intValue("warmup", 5);
    int duration = o.intValue("duration", 20);
    Duration interval = o.duration("anti-entropy-interval", Duration.ofSeconds(1));
    s.parameter("nodes", "2 xmtpd processes (separate JVMs, SQLite) with identical data: node 2's database is a "
        + "copy of node 1's; each reaches the other's replication port through a counting TCP proxy "
        + "(node 2 → node 1 and node 1 → node 2), plaintext HTTP/2 (h2c)");
    s.parameter("anti-entropy", "--anti-entropy-interval " + interval.toMillis() + "ms (each round jittered "
        + "±30 %; with one peer every round of a node is one sync with the other node)");
    s.parameter("datasets", topicCounts.stream().map(t -> String.format("%,d topics × 1 event", t))
        .collect(Collectors.joining(", ")) + ", " + size + "-byte messages, origin node 1");
    s.parameter("measured", "after both nodes report bootstrapped and equal fingerprints, " + warmup
        + " s settling, then " + duration + " s; every TCP payload byte through the proxies, split by HTTP/2 "
        + "frame (9-byte frame headers included): per gRPC call (request and response) and per connection-level "
        + "frame type (stream 0)");

    List<String> summary = new ArrayList<>();
    for (int topics : topicCounts) {
      Dataset data = Dataset.obtain(datasets, topics, topics, size);
      s.result(String.format("dataset, %,d topics", topics), data.describe());
      Path dir = run.root().resolve("t" + topics); // one two-node cluster per dataset
      data.copyAsOriginTo(dir.resolve("node1")); // before the cluster is laid out: node 1 keeps the origin key
      data.copyDatabaseTo(dir.resolve("node2"));
      H2Tally tally21 = new H2Tally();
      H2Tally tally12 = new H2Tally();
      try (LocalCluster cluster = LocalCluster.builder(LocalCluster.Mode.PROCESS, dir).nodes(2)
          .antiEntropyInterval(interval).args(o.nodeArgs()).prepare()) {
        cluster.node(0).start();
        cluster.node(1).start();
        BenchNode n1 = BenchNode.of(cluster.node(0));
        BenchNode n2 = BenchNode.of(cluster.node(1));
        // each node reaches the other through a proxy that counts the bytes, in front of the port the other bound
        try (CountingProxy p21 = CountingProxy.start("node2->node1", n1.replicationPort(), tally21);
            CountingProxy p12 = CountingProxy.start("node1->node2", n2.replicationPort(), tally12)) {
          cluster.setPeers(0, List.of(cluster.peerSpec(1, p12.port())));
          cluster.setPeers(1, List.of(cluster.peerSpec(0, p21.port())));
          List<ReplicationStatus> st = cluster.awaitStatus("both nodes up, peered, bootstrapped and in sync",
              Duration.ofMinutes(2), l -> l.stream().allMatch(x -> x.bootstrapped() && x.events() == topics
              && x.peers() == 1) && l.get(0).fingerprint().equals(l.get(1).fingerprint()));
          summary.addAll(measure(cluster, n1, n2, p21, p12, tally21, tally12, st, topics, warmup, duration, s));
        }
      }
    }
    s.result("summary: all bytes of the window per in-sync round (both directions)", String.join("; ", summary));
  }

  /** Measures one dataset's pair of nodes once they are in sync ({@code st}); returns its summary lines. */
  private static List<String> measure(LocalCluster cluster, BenchNode n1, BenchNode n2, CountingProxy p21,
      CountingProxy p12, H2Tally tally21, H2Tally tally12, List<ReplicationStatus> st, int topics, int warmup,
      int duration, Section s) throws InterruptedException {
    List<String> lines = new ArrayList<>();
    Thread.sleep(warmup * 1000L);
    long t0 = System.nanoTime();
    long up21 = p21.bytes(CountingProxy.Direction.UP);
    long down21 = p21.bytes(CountingProxy.Direction.DOWN);
    long up12 = p12.bytes(CountingProxy.Direction.UP);
    long down12 = p12.bytes(CountingProxy.Direction.DOWN);
    Map<String, long[]> c21 = tally21.connectionFrames();
    Map<String, long[]> c12 = tally12.connectionFrames();
    Window w1 = Window.open(n1);
    Window w2 = Window.open(n2);
    Thread.sleep(duration * 1000L);
    long t1 = System.nanoTime(); // counters first: closing the windows takes a while
    LinkResult r21 = new LinkResult("node 2 → node 1", p21.bytes(CountingProxy.Direction.UP) - up21,
        p21.bytes(CountingProxy.Direction.DOWN) - down21, tally21.calls(t0, t1),
        minus(tally21.connectionFrames(), c21));
    LinkResult r12 = new LinkResult("node 1 → node 2", p12.bytes(CountingProxy.Direction.UP) - up12,
        p12.bytes(CountingProxy.Direction.DOWN) - down12, tally12.calls(t0, t1),
        minus(tally12.connectionFrames(), c12));
    w1.close();
    w2.close();
    List<ReplicationStatus> after = cluster.statuses();
    double seconds = (t1 - t0) / 1e9;
    String prefix = String.format("%,d topics, ", topics);
    for (LinkResult r : List.of(r21, r12)) {
      report(s, prefix, r, seconds);
      long rounds = r.rounds();
      lines.add(String.format("%,d topics, %s: %s B/round (%d rounds)", topics, r.link(),
          rounds == 0 ? "n/a" : String.format("%,.0f", (r.up() + r.down()) / (double) rounds), rounds));
    }
    w1.report(s, prefix + "node 1: ");
    w2.report(s, prefix + "node 2: ");
    s.result(prefix + "state before → after", st.get(0).brief() + " → " + after.get(0).brief()
        + "; node 2 after: " + after.get(1).brief());
    s.result(prefix + "node 1 replication metrics", Propagation.replicationMetrics(n1.metrics()));
    return lines;
  }

  private static void report(Section s, String prefix, LinkResult r, double seconds) {
    String name = prefix + r.link() + ": ";
    long rounds = r.rounds();
    s.result(name + "bytes in the window", String.format("%,d up (requests) + %,d down (answers) = %,d in %.1f s "
        + "(%,.0f B/s); %d calls", r.up(), r.down(), r.up() + r.down(), seconds, (r.up() + r.down()) / seconds,
        r.calls().size()));
    if (rounds > 0) {
      s.result(name + "per in-sync round", String.format("%,.0f B (%,.0f up + %,.0f down), everything on the "
              + "link divided by %d GetVector rounds", (r.up() + r.down()) / (double) rounds, r.up() / (double) rounds,
          r.down() / (double) rounds, rounds));
    }
    Map<String, List<H2Tally.Call>> byMethod = new TreeMap<>();
    r.calls().forEach(c -> byMethod.computeIfAbsent(c.method, k -> new ArrayList<>()).add(c));
    byMethod.forEach((method, calls) -> {
      long[] req = calls.stream().mapToLong(c -> c.requestBytes).sorted().toArray();
      long[] resp = calls.stream().mapToLong(c -> c.responseBytes).sorted().toArray();
      s.result(name + method + " calls", String.format("%d; request %s B, answer %s B (min/median/max, HTTP/2 "
              + "frames incl. headers and trailers)", calls.size(), mmm(req), mmm(resp)));
    });
    StringBuilder conn = new StringBuilder();
    r.connection().forEach((k, v) -> {
      if (v[1] > 0) {
        conn.append(String.format("%s %d frames %,d B; ", k, v[1], v[0]));
      }
    });
    s.result(name + "connection-level frames (stream 0: pings, settings, window updates)",
        conn.length() == 0 ? "none" : conn.substring(0, conn.length() - 2));
  }

  private static String mmm(long[] sorted) {
    if (sorted.length == 0) {
      return "-";
    }
    return String.format("%,d/%,d/%,d", sorted[0], sorted[sorted.length / 2], sorted[sorted.length - 1]);
  }

  private static Map<String, long[]> minus(Map<String, long[]> after, Map<String, long[]> before) {
    Map<String, long[]> out = new TreeMap<>();
    after.forEach((k, v) -> {
      long[] b = before.getOrDefault(k, new long[2]);
      out.put(k, new long[] {v[0] - b[0], v[1] - b[1]});
    });
    return out;
  }
}
