package org.xmtpj.testing.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.replication.PeerException;
import org.xmtpj.node.replication.ReplicationHandler;
import org.xmtpj.node.replication.ReplicationLimits;

/**
 * The network between simulated nodes. Each call has a request leg and a response leg; each leg may be dropped,
 * duplicated and delayed (uniformly, so legs overtake each other) per the current {@link FaultProfile}, and is
 * lost on a cut link or across a partition. A lost leg fails the caller's future with DEADLINE_EXCEEDED when its
 * deadline passes. A frame above {@link ReplicationLimits#maxFrameBytes} is refused as the gRPC transport refuses
 * it: an oversized request never reaches the handler (INVALID at the caller), an oversized answer fails the
 * caller with PROTOCOL. All randomness comes from one seeded generator; all time from the {@link SimScheduler}.
 */
public final class SimNetwork {
  /** A leg is delivered at most this many times. */
  public static final int MAX_COPIES = 3;

  private final SimScheduler scheduler;
  private final SplittableRandom random;
  private final ReplicationLimits limits;
  private final NetStats stats = new NetStats();
  private final Map<OriginKey, ReplicationHandler> endpoints = new HashMap<>();
  private final Map<OriginKey, String> names = new HashMap<>();
  private final Map<OriginKey, Integer> groups = new HashMap<>();
  private final Set<Set<OriginKey>> cut = new HashSet<>();
  private final List<Throwable> serverErrors = new ArrayList<>();
  private FaultProfile faults = FaultProfile.NONE;
  private Set<CallType> affected = java.util.EnumSet.allOf(CallType.class);
  private long droppedLegs;
  private long duplicatedLegs;
  private double silentPushLoss;
  private long silentlyLost;
  private final Set<List<OriginKey>> silentLinks = new HashSet<>();
  private int openCalls;
  private int legsInFlight;

  public SimNetwork(SimScheduler scheduler, SplittableRandom random, ReplicationLimits limits) {
    this.scheduler = scheduler;
    this.random = random;
    this.limits = limits;
  }

  public NetStats stats() {
    return stats;
  }

  public ReplicationLimits limits() {
    return limits;
  }

  public FaultProfile faults() {
    return faults;
  }

  public void setFaults(FaultProfile faults) {
    setFaults(faults, java.util.EnumSet.allOf(CallType.class));
  }

  /** Faults apply to these call types only; the others get {@link FaultProfile#NONE}'s behaviour. */
  public void setFaults(FaultProfile faults, Set<CallType> affected) {
    this.faults = faults;
    this.affected = java.util.EnumSet.copyOf(affected);
  }

  /**
   * Probability that a delivered push is silently lost: the caller is told it was accepted, the receiver never
   * stores it (as when a node crashes after queueing a push). Only anti-entropy can repair that loss.
   */
  public void setSilentPushLoss(double p) {
    this.silentPushLoss = p;
  }

  /** Every push on this directed link is lost silently from now on (until {@link #heal}). */
  public void loseSilently(OriginKey from, OriginKey to) {
    silentLinks.add(List.of(from, to));
  }

  /** Pushes lost silently so far. */
  public long silentlyLostPushes() {
    return silentlyLost;
  }

  /** Legs lost to the fault profile (not counting cut links and partitions). */
  public long droppedLegs() {
    return droppedLegs;
  }

  /** Extra copies delivered because of duplication. */
  public long duplicatedLegs() {
    return duplicatedLegs;
  }

  /** A node is reachable under this key from now on (it started or restarted). */
  public void attach(OriginKey key, String name, ReplicationHandler handler) {
    endpoints.put(key, handler);
    names.put(key, name);
  }

  /** The node is down: calls to it are refused (connection refused). */
  public void detach(OriginKey key) {
    endpoints.remove(key);
  }

  public String name(OriginKey key) {
    return names.getOrDefault(key, key == null ? "?" : key.toString());
  }

  /**
   * Splits the network: nodes in different groups cannot reach each other. Nodes not named in any group form one
   * more group together.
   */
  @SafeVarargs
  public final void partition(Collection<OriginKey>... sides) {
    groups.clear();
    for (int i = 0; i < sides.length; i++) {
      for (OriginKey k : sides[i]) {
        groups.put(k, i + 1);
      }
    }
  }

  public void cut(OriginKey a, OriginKey b) {
    cut.add(Set.of(a, b));
  }

  public void restore(OriginKey a, OriginKey b) {
    cut.remove(Set.of(a, b));
  }

  /** Removes every partition, cut link and silently lossy link. */
  public void heal() {
    groups.clear();
    cut.clear();
    silentLinks.clear();
  }

  public boolean connected(OriginKey a, OriginKey b) {
    return groups.getOrDefault(a, 0).equals(groups.getOrDefault(b, 0)) && !cut.contains(Set.of(a, b));
  }

  /** No call is open and no leg is on the wire. */
  public boolean idle() {
    return openCalls == 0 && legsInFlight == 0;
  }

  public int openCalls() {
    return openCalls;
  }

  /** Handler failures other than {@link PeerException}: bugs in a serving node. */
  public List<Throwable> serverErrors() {
    return List.copyOf(serverErrors);
  }

  /**
   * Carries one call from {@code from} to {@code to}: {@code invoke} runs on the callee's handler when the
   * request arrives (once per delivered copy), and the first answer to arrive completes the future.
   */
  public <T> CompletableFuture<T> call(OriginKey from, OriginKey to, CallType type, long requestBytes, int events,
      Object subject, Function<ReplicationHandler, T> invoke, ToLongFunction<T> responseBytes) {
    CompletableFuture<T> future = new CompletableFuture<>();
    openCalls++;
    future.whenComplete((v, e) -> openCalls--);
    stats.request(new NetStats.Call(type, from, to, requestBytes, events, subject, scheduler.nowMs()));
    if (requestBytes > limits.maxFrameBytes()) {
      scheduler.schedule(java.time.Duration.ofMillis(1), () -> future.completeExceptionally(new PeerException(
          PeerException.Kind.INVALID, "RESOURCE_EXHAUSTED: " + type + " frame of " + requestBytes
              + " bytes exceeds the limit of " + limits.maxFrameBytes() + " (refused by the transport)")));
      return future;
    }
    FaultProfile f = affected.contains(type) ? faults : FaultProfile.NONE;
    long timeout = f.callTimeoutMs();
    scheduler.scheduleAt(scheduler.nowMs() + timeout, () -> future.completeExceptionally(new PeerException(
        PeerException.Kind.UNAVAILABLE, "DEADLINE_EXCEEDED: " + type + " " + name(from) + "→" + name(to)
            + " got no answer within " + timeout + " ms")));
    leg(f, from, to, () -> serve(f, from, to, type, invoke, responseBytes, future));
    return future;
  }

  private <T> void serve(FaultProfile f, OriginKey from, OriginKey to, CallType type,
      Function<ReplicationHandler, T> invoke, ToLongFunction<T> responseBytes, CompletableFuture<T> future) {
    ReplicationHandler handler = endpoints.get(to);
    if (handler == null) {
      leg(f, to, from, () -> future.completeExceptionally(new PeerException(PeerException.Kind.UNAVAILABLE,
          "UNAVAILABLE: connection refused by " + name(to))));
      return;
    }
    if (type == CallType.PUSH && (silentLinks.contains(List.of(from, to))
        || silentPushLoss > 0 && random.nextDouble() < silentPushLoss)) {
      silentlyLost++;
      leg(f, to, from, () -> future.complete(null));
      return;
    }
    T value;
    try {
      value = invoke.apply(handler);
    } catch (PeerException e) {
      leg(f, to, from, () -> future.completeExceptionally(new PeerException(e.kind(), e.getMessage())));
      return;
    } catch (RuntimeException e) {
      serverErrors.add(new IllegalStateException(name(to) + " failed serving " + type + " to " + name(from), e));
      leg(f, to, from, () -> future.completeExceptionally(new PeerException(PeerException.Kind.UNAVAILABLE,
          "INTERNAL: " + e)));
      return;
    }
    long bytes = responseBytes.applyAsLong(value);
    stats.response(type, from, to, bytes);
    if (bytes > limits.maxFrameBytes()) {
      leg(f, to, from, () -> future.completeExceptionally(new PeerException(PeerException.Kind.PROTOCOL,
          "RESOURCE_EXHAUSTED: " + type + " answer of " + bytes + " bytes from " + name(to)
              + " exceeds the frame limit of " + limits.maxFrameBytes())));
      return;
    }
    leg(f, to, from, () -> future.complete(value));
  }

  /**
   * One direction of one message: lost, or delivered one to {@link #MAX_COPIES} times (each extra copy with the
   * duplication probability), each copy after its own delay.
   */
  private void leg(FaultProfile f, OriginKey a, OriginKey b, Runnable onArrival) {
    if (!connected(a, b)) {
      return;
    }
    if (f.dropRate() > 0 && random.nextDouble() < f.dropRate()) {
      droppedLegs++;
      return;
    }
    int copies = 1;
    while (copies < MAX_COPIES && f.duplicateRate() > 0 && random.nextDouble() < f.duplicateRate()) {
      copies++;
      duplicatedLegs++;
    }
    for (int i = 0; i < copies; i++) {
      long delay = f.minDelayMs() + random.nextLong(f.maxDelayMs() - f.minDelayMs() + 1);
      legsInFlight++;
      scheduler.schedule(java.time.Duration.ofMillis(delay), () -> {
        legsInFlight--;
        if (connected(a, b)) {
          onArrival.run();
        }
      });
    }
  }
}
