package org.xmtpj.node.replication.grpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.node.budget.MemoryBudget;
import org.xmtpj.node.replication.ReplicationLimits;

/**
 * What serving peers may hold of this node: a number of calls in progress per peer, and the heap of all replies
 * together (see {@link ReplicationLimits#maxServingCallsPerPeer} and {@link ReplicationLimits#maxServingBytes}).
 * A call holds its place and its bytes until gRPC has finished sending its reply, so a peer that reads slowly
 * uses up its own places and no one else's. Refusals are UNAVAILABLE: the peer backs off and retries, and an
 * honest peer is never penalized for our load.
 */
final class ServingBudget {
  /** How long a call waits for a place of its peer, or for room in the reply budget, before it is refused. */
  static final Duration WAIT = Duration.ofSeconds(5);
  /** Heap per reply byte while it is sent: the reply message and the transport's copy. */
  static final int HEAP_PER_REPLY_BYTE = 2;

  private final int callsPerPeer;
  private final MemoryBudget replies;
  // keyed by authenticated peers only (the session interceptor runs first), so membership bounds it
  private final Map<OriginKey, Semaphore> places = new ConcurrentHashMap<>();

  ServingBudget(ReplicationLimits limits) {
    this.callsPerPeer = limits.maxServingCallsPerPeer();
    this.replies = new MemoryBudget("limits.maxServingBytes", limits.maxServingBytes());
  }

  /**
   * Takes a place of {@code peer} (waiting up to {@link #WAIT}), then books room for a reply of up to
   * {@code largestReply} bytes (waiting up to {@link #WAIT} too). The room is booked, not only waited for: calls
   * that all found the budget empty would otherwise all build their replies at once, unbooked.
   *
   * @throws StatusRuntimeException UNAVAILABLE when either does not come in time
   */
  Call enter(OriginKey peer, long largestReply) {
    Semaphore s = places.computeIfAbsent(peer, k -> new Semaphore(callsPerPeer, true));
    if (!acquire(s)) {
      throw busy("peer_busy: " + callsPerPeer + " calls of this peer are in progress here "
          + "(limits.maxServingCallsPerPeer); retry after one ends");
    }
    Call call = new Call(s, replies.lease());
    try {
      call.lease.add(largestReply * HEAP_PER_REPLY_BYTE, WAIT);
    } catch (MemoryBudget.BudgetExhausted e) {
      call.close();
      throw busy("node_busy: replies to peers in progress hold the whole reply budget (limits.maxServingBytes, "
          + replies.capacity() + " bytes); retry shortly");
    }
    return call;
  }

  private static boolean acquire(Semaphore s) {
    try {
      return s.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Places in use by {@code peer} (for tests). */
  int inUse(OriginKey peer) {
    Semaphore s = places.get(peer);
    return s == null ? 0 : callsPerPeer - s.availablePermits();
  }

  MemoryBudget replies() {
    return replies;
  }

  private static StatusRuntimeException busy(String message) {
    return Status.UNAVAILABLE.withDescription(message).asRuntimeException();
  }

  /** One call's place and reply bytes; {@link #close} (idempotent, any thread) gives both back. */
  static final class Call implements AutoCloseable {
    private final Semaphore place;
    private final MemoryBudget.Lease lease;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Call(Semaphore place, MemoryBudget.Lease lease) {
      this.place = place;
      this.lease = lease;
    }

    /**
     * Holds exactly what the built reply of {@code bytes} needs: gives back the rest of what {@link #enter}
     * booked, or books the excess if the reply came out larger than its bound (refused, UNAVAILABLE, if the
     * reply budget has no room for that now).
     */
    void book(long bytes) {
      long want = bytes * HEAP_PER_REPLY_BYTE;
      long held = lease.held();
      if (want <= held) {
        lease.shrinkTo(want);
      } else if (!lease.tryAdd(want - held)) {
        throw busy("node_busy: no room for a reply of " + bytes + " bytes in the reply budget "
            + "(limits.maxServingBytes); retry shortly");
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        lease.close();
        place.release();
      }
    }
  }
}
