package org.xmtpj.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xmtpj.testing.cluster.ClusterNode;
import org.xmtpj.testing.cluster.LocalCluster;
import org.xmtpj.testing.cluster.ReplicationStatus;

/**
 * Bootstrap of an empty node from three full ones. A dataset of {@code events} events over {@code topics} topics,
 * origin node 1, is written through the store API (cached between runs) and copied to nodes 1, 2 and 3 (each
 * keeps its own key); the three start peered with each other and with node 4, then node 4 starts empty, peered
 * with all three: a prepared {@code LocalCluster} of processes. Every node binds port 0; node 4 runs once before,
 * without peers, to bind the ports the three pin it at (its catch-up runs as it starts, so they must know it by
 * then), and starts on them again. Measured from node 4's process start until its {@code /debug/replication} shows
 * every event,
 * {@code bootstrapped = true} and node 1's fingerprint.
 */
final class Bootstrap {
  private Bootstrap() {}

  static void run(Options o, RunDirectory run, Path datasets, Section s, boolean profile)
      throws InterruptedException {
    long events = o.intValue("events", 1_000_000);
    int topics = o.intValue("topics", 1000);
    int size = o.intValue("size", 1024);
    int timeout = o.intValue("timeout", 900);
    int poll = o.intValue("poll-ms", 500);
    List<String> extra = o.nodeArgs();
    s.parameter("dataset", String.format("%,d events × %,d B over %,d topics, origin node 1 (generated with the "
        + "store API, cached in %s)", events, size, topics, datasets));
    s.parameter("nodes", "4 xmtpd processes (separate JVMs, SQLite); nodes 1–3 hold copies of the dataset and are "
        + "peered with each other and with node 4; node 4 starts empty, peered with nodes 1–3 (plaintext gRPC on "
        + "loopback, keys pinned)" + (extra.isEmpty() ? "" : "; extra flags " + String.join(" ", extra)));
    s.parameter("measured", "from just before node 4's process is launched until its /debug/replication shows "
        + "events = " + String.format("%,d", events) + ", bootstrapped = true and node 1's fingerprint (polled "
        + "every " + poll + " ms); timeout " + timeout + " s");

    Dataset data = Dataset.obtain(datasets, events, topics, size);
    s.result("dataset", data.describe());
    long copyStart = System.nanoTime();
    data.copyAsOriginTo(run.root().resolve("node1")); // before the cluster is laid out: node 1 keeps the origin key
    data.copyDatabaseTo(run.root().resolve("node2"));
    data.copyDatabaseTo(run.root().resolve("node3"));
    s.result("copying the dataset to nodes 1–3", String.format("%.0f s", (System.nanoTime() - copyStart) / 1e9));

    // the node's default anti-entropy interval: the bootstrap, not anti-entropy, is what is measured
    try (LocalCluster cluster = LocalCluster.builder(LocalCluster.Mode.PROCESS, run.root()).nodes(4)
        .antiEntropyInterval(Duration.ofSeconds(30)).args(extra).prepare()) {
      measure(cluster, events, timeout, poll, s, profile);
    }
  }

  private static void measure(LocalCluster cluster, long events, int timeout, int poll, Section s, boolean profile)
      throws InterruptedException {
    // node 4's first catch-up, the thing measured, runs as it starts: nodes 1–3 must pin it (key and port) by then,
    // so it runs once without peers to bind its ports, and starts on them again empty
    ClusterNode node4 = cluster.node(3);
    node4.start();
    node4.stop();
    RunDirectory.deleteTree(node4.dataDir(), f -> !f.getFileName().toString().equals("node_key"));
    for (int i = 0; i < 3; i++) {
      cluster.node(i).start();
    }
    cluster.mesh(); // node 4's own file too: it reads it as it starts
    List<ReplicationStatus> ready = cluster.awaitStatus("nodes 1–3 up with the dataset, peered with each other and "
        + "node 4", Duration.ofMinutes(2), st -> st.stream().allMatch(x -> x.bootstrapped() && x.events() == events
        && x.peers() == 3));
    String fingerprint = ready.get(0).fingerprint();
    if (!ready.stream().allMatch(x -> x.fingerprint().equals(fingerprint))) {
      throw new IllegalStateException("nodes 1–3 hold the same dataset but report different fingerprints: "
          + ready.stream().map(ReplicationStatus::brief).toList());
    }
    List<BenchNode> full = cluster.nodes().subList(0, 3).stream().map(BenchNode::of).toList();
    List<Window> serving = full.stream().map(Window::open).toList();

    long t0 = System.nanoTime();
    long benchCpu0 = Window.benchCpuNanos();
    node4.start();
    BenchNode n4 = BenchNode.of(node4);
    double healthy = (System.nanoTime() - t0) / 1e9;
    TaskCpu tasks0 = TaskCpu.snapshot(n4.pid());
    long cpu0 = n4.cpuNanos(); // includes JVM start-up; the total below is from process start
    Profiler profiler = profile ? Profiler.of(n4, "bootstrap-node4", true) : Profiler.disabled();
    profiler.start(timeout);
    List<String> progress = new ArrayList<>();
    long deadline = t0 + timeout * 1_000_000_000L;
    long nextProgress = t0;
    ReplicationStatus st;
    long allEventsAt = 0; // first poll with every event and node 1's fingerprint, whatever the bootstrap flag
    while (true) {
      st = n4.replication();
      long now = System.nanoTime();
      boolean sameData = st != null && st.events() == events && st.fingerprint().equals(fingerprint);
      if (sameData && allEventsAt == 0) {
        allEventsAt = now;
        System.out.printf("  node 4 holds every event with node 1's fingerprint after %.1f s%n", (now - t0) / 1e9);
      }
      if (sameData && st.bootstrapped()) {
        break;
      }
      if (now >= nextProgress) {
        String line = String.format("%5.0f s: %s", (now - t0) / 1e9, st == null ? "no answer" : st.brief());
        System.out.println("  node 4 " + line);
        progress.add(line);
        nextProgress = now + 10_000_000_000L;
      }
      if (now > deadline) {
        profiler.stopAndReport(s);
        s.result("node 4 did NOT finish within " + timeout + " s", st == null ? "no answer" : st.toString());
        if (allEventsAt != 0) {
          double at = (allEventsAt - t0) / 1e9;
          s.result("node 4 held every event with node 1's fingerprint", String.format("%.1f s after launch (%,.0f "
              + "events/s), but bootstrapped stayed false for the remaining %.0f s", at, events / at, timeout - at));
        }
        s.result("node 4 CPU from process start", String.format("%.1f s of CPU in %.1f s", n4.cpuNanos() / 1e9,
            (now - t0) / 1e9));
        s.result("node 4 CPU by thread group after /healthz (cores)",
            TaskCpu.snapshot(n4.pid()).busiestSince(tasks0, (now - t0) / 1e9 - healthy, 8));
        s.result("node 4's own account (log)", logLines(n4.logFile(), "bootstrap:"));
        s.result("node 4 replication metrics", Propagation.replicationMetrics(n4.metrics()));
        s.note("node 4 progress every 10 s: " + String.join("; ", progress));
        throw new IllegalStateException("node 4 did not catch up within " + timeout + " s: "
            + (st == null ? "no answer" : st.toString()) + "; log " + n4.logFile());
      }
      Thread.sleep(poll);
    }
    long t1 = System.nanoTime();
    double seconds = (t1 - t0) / 1e9;
    long cpu1 = n4.cpuNanos();
    TaskCpu tasks1 = TaskCpu.snapshot(n4.pid());
    long benchCpu1 = Window.benchCpuNanos();
    serving.forEach(Window::close);
    profiler.stopAndReport(s);

    double rate = events / seconds;
    double dataAt = (allEventsAt - t0) / 1e9;
    s.result("node 4 held every event with node 1's fingerprint", String.format("%.1f s after launch "
        + "(%,.0f events/s); bootstrapped = true %.1f s later", dataAt, events / dataAt, seconds - dataAt));
    s.result("node 4 caught up", String.format("%.1f s after launch (healthy after %.1f s): %,.0f events/s; %s",
        seconds, healthy, rate, st.brief()));
    s.result("target: ≥ 20,000 events/s", String.format("%s (%.2f × target)", rate >= 20_000 ? "met" : "missed",
        rate / 20_000));
    s.result("node 4 CPU from process start", String.format("%.1f s of CPU in %.1f s = %.2f cores of 2",
        cpu1 / 1e9, seconds, cpu1 / 1e9 / seconds));
    s.result("node 4 CPU by thread group after /healthz (cores)",
        tasks1.busiestSince(tasks0, (t1 - t0) / 1e9 - healthy, 8));
    s.result("load generator CPU (polling only)", String.format("%.2f cores", (benchCpu1 - benchCpu0) / 1e9
        / seconds));
    for (int i = 0; i < 3; i++) {
      serving.get(i).report(s, "node " + (i + 1) + " (serving): ");
    }
    s.result("node 4 disk after catch-up", String.format("%,.0f MiB", n4.diskBytes() / 1048576.0));
    s.result("node 4's own account (log)", logLines(n4.logFile(), "bootstrap:"));
    s.result("node 4 replication metrics", Propagation.replicationMetrics(n4.metrics()));
    s.note("node 4 progress every 10 s: " + String.join("; ", progress));
  }

  static String logLines(Path log, String needle) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8).stream()
          .filter(l -> l.contains(needle)).map(l -> l.replaceAll("^.*?(" + needle + ")", "$1")).toList();
      return lines.isEmpty() ? "(no line with '" + needle + "')" : String.join(" / ", lines);
    } catch (IOException e) {
      return "(cannot read " + log + ")";
    }
  }
}
