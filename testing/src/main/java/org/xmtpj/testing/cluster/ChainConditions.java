package org.xmtpj.testing.cluster;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.checkpoint.FinalizedCheckpoint;

/**
 * The waits of a chain-backed cluster, in the style of {@link Conditions}: each polls until it holds, and on a
 * timeout fails with what it waited for and what it saw last. A node that does not answer (stopping, starting) is
 * seen as not there yet, not as a failure.
 */
final class ChainConditions {
  private static final Duration POLL = Duration.ofMillis(250);

  private final ChainNetwork net;
  private final Duration timeout;

  ChainConditions(ChainNetwork net, Duration timeout) {
    this.net = net;
    this.timeout = timeout;
  }

  void awaitActiveSet(List<Long> ids, int... observers) {
    for (int n : observers) {
      AtomicReference<String> last = new AtomicReference<>("(no /debug/chain read yet)");
      poll("node " + n + " follows the active set " + ids, last, () -> {
        ChainStatus s = net.chainStatus(n);
        last.set(s.toString());
        return s.activeIds().equals(ids);
      });
    }
  }

  long awaitCheckpoint(Predicate<CheckpointStatus.Checkpoint> condition, int... nodes) {
    if (nodes.length == 0) {
      throw new IllegalArgumentException("awaitCheckpoint of which nodes?");
    }
    long[] found = new long[1];
    AtomicReference<String> last = new AtomicReference<>("(no /debug/checkpoints read yet)");
    poll("a checkpoint on node " + nodes[0] + " that the condition accepts, computed by nodes "
        + java.util.Arrays.toString(nodes), last, () -> {
          CheckpointStatus first = net.checkpointStatus(nodes[0]);
          StringBuilder seen = new StringBuilder("node " + nodes[0] + ": " + first);
          List<CheckpointStatus> others = new java.util.ArrayList<>();
          for (int i = 1; i < nodes.length; i++) {
            others.add(net.checkpointStatus(nodes[i]));
            seen.append("\nnode ").append(nodes[i]).append(": ").append(others.getLast());
          }
          last.set(seen.toString());
          for (CheckpointStatus.Checkpoint c : first.checkpoints()) { // newest first
            if (condition.test(c) && others.stream().allMatch(o -> o.epoch(c.epoch()).isPresent())) {
              found[0] = c.epoch();
              return true;
            }
          }
          return false;
        });
    return found[0];
  }

  FinalizedCheckpoint awaitFinalized(Predicate<FinalizedCheckpoint> condition) {
    CheckpointsClient checkpoints = net.checkpoints();
    AtomicReference<FinalizedCheckpoint> found = new AtomicReference<>();
    AtomicReference<String> last = new AtomicReference<>("(nothing finalized yet)");
    poll("a newly finalized checkpoint that the condition accepts", last, () -> {
      OptionalLong epoch = checkpoints.lastFinalizedEpoch();
      if (epoch.isEmpty()) {
        return false;
      }
      Optional<FinalizedCheckpoint> c = checkpoints.checkpoint(epoch.getAsLong());
      last.set("epoch " + epoch.getAsLong() + ": " + c.map(Object::toString).orElse("(no checkpoint)"));
      if (c.isPresent() && condition.test(c.get())) {
        found.set(c.get());
        return true;
      }
      return false;
    });
    return found.get();
  }

  void await(String what, Callable<Boolean> condition) {
    poll(what, new AtomicReference<>("(see the condition)"), condition);
  }

  private void poll(String what, AtomicReference<String> last, Callable<Boolean> check) {
    try {
      Awaitility.await(what).atMost(timeout).pollInterval(POLL).pollInSameThread()
          .ignoreExceptionsInstanceOf(UncheckedIOException.class).until(check);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(what + ": not within " + timeout.toSeconds() + " s; last seen:\n" + last.get(), e);
    }
  }
}
