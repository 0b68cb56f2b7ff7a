package org.xmtpj.testing.cluster;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The cluster's waits, as in Besu's acceptance-test {@code Condition}s: each polls every running node's status
 * until it holds, and on a timeout fails with what it waited for and what each node said last.
 */
final class Conditions {
  private static final Duration POLL = Duration.ofMillis(200);

  private final List<ClusterNode> nodes;
  private final StatusReader reader;
  private final Duration timeout;

  Conditions(List<ClusterNode> nodes, StatusReader reader, Duration timeout) {
    this.nodes = List.copyOf(nodes);
    this.reader = reader;
    this.timeout = timeout;
  }

  /** What every running node said in one round of polling; {@code complete} when each of them answered. */
  private record Snapshot(List<ReplicationStatus> live, String report, boolean complete) {}

  /** Every running node has finished its first catch-up and knows all the others (its peers file was read). */
  void awaitBootstrapped() {
    int others = nodes.size() - 1;
    awaitStatus("every running node bootstrapped, with " + others + " peers",
        live -> live.stream().allMatch(s -> s.bootstrapped() && s.peers() >= others));
  }

  /** Every running node holds the same events (fingerprint and vector) and has nothing pending or in flight. */
  void awaitAgreement() {
    awaitStatus("every running node agrees (same fingerprint and vector, nothing pending or in flight)", live -> {
      Set<String> fingerprints = new HashSet<>();
      Set<Map<String, ReplicationStatus.Progress>> vectors = new HashSet<>();
      for (ReplicationStatus s : live) {
        fingerprints.add(s.fingerprint());
        vectors.add(s.vector());
      }
      return !live.isEmpty() && fingerprints.size() == 1 && vectors.size() == 1
          && live.stream().allMatch(ReplicationStatus::quiet);
    });
  }

  /** Waits until {@code condition} holds over the statuses of the running nodes, each of which must answer. */
  void awaitStatus(String what, Predicate<List<ReplicationStatus>> condition) {
    awaitStatus(what, timeout, condition);
  }

  /** As {@link #awaitStatus(String, Predicate)}, for at most {@code within}; returns the statuses that held. */
  List<ReplicationStatus> awaitStatus(String what, Duration within, Predicate<List<ReplicationStatus>> condition) {
    AtomicReference<String> last = new AtomicReference<>("(no status read yet)");
    AtomicReference<List<ReplicationStatus>> held = new AtomicReference<>();
    poll(what, within, last, () -> {
      Snapshot s = snapshot();
      last.set(s.report());
      boolean holds = s.complete() && condition.test(s.live());
      held.set(s.live());
      return holds;
    });
    return held.get();
  }

  /** The statuses of the running nodes now, in node order. */
  List<ReplicationStatus> statuses() throws InterruptedException {
    Snapshot s = snapshot();
    if (!s.complete()) {
      throw new IllegalStateException("not every running node answered:\n" + s.report());
    }
    return s.live();
  }

  /**
   * Every node running now completes {@code rounds} more anti-entropy rounds than it had on entry: what a check
   * that something did not arrive by anti-entropy waits for first.
   */
  void awaitSyncRounds(int rounds) {
    Map<ClusterNode, Long> target = new LinkedHashMap<>();
    for (ClusterNode n : nodes) {
      if (n.isRunning()) {
        target.put(n, rounds + rounds(n));
      }
    }
    AtomicReference<String> last = new AtomicReference<>("(no rounds read yet)");
    poll("every running node ran " + rounds + " more anti-entropy rounds", timeout, last, () -> {
      boolean all = true;
      StringBuilder report = new StringBuilder();
      for (Map.Entry<ClusterNode, Long> e : target.entrySet()) {
        long now = rounds(e.getKey());
        all &= now >= e.getValue();
        report.append("  ").append(e.getKey().name()).append(": ").append(now).append(" of ").append(e.getValue())
            .append(" rounds\n");
      }
      last.set(report + snapshot().report());
      return all;
    });
  }

  private long rounds(ClusterNode n) {
    try {
      return reader.syncRounds(n);
    } catch (IOException e) {
      throw new AssertionError("cannot read the metrics of " + n + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted reading the metrics of " + n, e);
    }
  }

  private static void poll(String what, Duration within, AtomicReference<String> last,
      java.util.concurrent.Callable<Boolean> check) {
    try {
      Awaitility.await(what).atMost(within).pollInterval(POLL).pollInSameThread().until(check);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + within.toSeconds() + " s; each node's last status:\n"
          + last.get(), e);
    }
  }

  /** One look at every node; a running node that does not answer makes the snapshot incomplete. */
  private Snapshot snapshot() throws InterruptedException {
    List<ReplicationStatus> live = new ArrayList<>();
    StringBuilder report = new StringBuilder();
    boolean complete = true;
    for (ClusterNode n : nodes) {
      report.append("  ").append(n.name()).append(' ').append(n.httpUrl()).append(": ");
      if (!n.isRunning()) {
        report.append("(not running)\n");
        continue;
      }
      try {
        ReplicationStatus s = reader.replication(n);
        live.add(s);
        report.append(s).append('\n');
      } catch (IOException | IllegalArgumentException e) {
        complete = false;
        report.append("(no status: ").append(e.getMessage()).append(")\n");
      }
    }
    return new Snapshot(live, report.toString(), complete);
  }
}
