package org.xmtpj.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A fault-injecting TCP proxy for multi-process tests: listens on a free loopback port and forwards every
 * connection to one target. Between two processes that should talk through it, point the client at
 * {@link #port()} instead of the target.
 *
 * <ul>
 *   <li>{@link #cut()} closes every open connection (with a TCP reset) and refuses new ones (accepted and reset at
 *       once) until {@link #heal()}: the peer sees "connection reset / refused" at once;</li>
 *   <li>{@link #stall()} keeps connections open but delivers nothing in either direction until {@link #heal()}
 *       (then everything held back is delivered, in order): a silent partition, seen only through timeouts;</li>
 *   <li>{@link #latency(Duration)} delays every chunk by a one-way latency without limiting throughput.</li>
 * </ul>
 *
 * <p>Every connection is a pair of sockets with, per direction, a reader and a writer on virtual threads. Thread-safe.
 *
 * <pre>{@code
 * try (FaultProxy link = FaultProxy.start("a->b", new InetSocketAddress("127.0.0.1", bPort))) {
 *   startA("--peer", "127.0.0.1:" + link.port());
 *   link.cut();  ...  link.heal();
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  private static final int CHUNK_BYTES = 16 * 1024;
  /** Chunks one direction may hold back (latency or stall) before its reader stops reading: back-pressure. */
  private static final int QUEUED_CHUNKS = 256;
  private static final int CONNECT_TIMEOUT_MS = 2_000;
  private static final Chunk EOF = new Chunk(new byte[0], 0);

  private final String name;
  private volatile InetSocketAddress target; // null: refuse every connection until retarget()
  private final ServerSocket server;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition flowing = lock.newCondition();
  private volatile boolean cut;
  private volatile boolean stalled;
  private volatile boolean closed;
  private volatile long latencyNanos;
  private final AtomicLong accepted = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicInteger cuts = new AtomicInteger();
  private final Thread acceptor;

  private FaultProxy(String name, InetSocketAddress target, ServerSocket server) {
    this.name = name;
    this.target = target;
    this.server = server;
    this.acceptor = Thread.ofVirtual().name("fault-proxy-" + name + "-accept").start(this::acceptLoop);
  }

  /** Starts a proxy on a free port of 127.0.0.1 that forwards to {@code 127.0.0.1:targetPort}. */
  public static FaultProxy start(String name, int targetPort) {
    return start(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
  }

  /**
   * Starts a proxy on a free port of 127.0.0.1 that refuses connections until {@link #retarget} names where to
   * forward them: for a proxy whose port must be known (registered, handed to peers) before its target runs.
   */
  public static FaultProxy startUnbound(String name) {
    return start(name, (InetSocketAddress) null);
  }

  /** Starts a proxy on a free port of 127.0.0.1 that forwards to {@code target} (which need not be up yet). */
  public static FaultProxy start(String name, InetSocketAddress target) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      return new FaultProxy(name, target, server);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a listening socket for proxy " + name, e);
    }
  }

  public String name() {
    return name;
  }

  /** The loopback port this proxy listens on. */
  public int port() {
    return server.getLocalPort();
  }

  /** Where new connections go, or null while unbound. */
  public InetSocketAddress target() {
    return target;
  }

  /** Forwards connections accepted from now on to {@code newTarget}; open connections keep theirs. */
  public void retarget(InetSocketAddress newTarget) {
    target = java.util.Objects.requireNonNull(newTarget);
  }

  /** {@link #retarget(InetSocketAddress)} to {@code 127.0.0.1:port}. */
  public void retarget(int port) {
    retarget(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** Closes every open connection with a reset and refuses new ones until {@link #heal()}. */
  public void cut() {
    cut = true;
    cuts.incrementAndGet();
    for (Link link : List.copyOf(links)) {
      link.abort();
    }
  }

  /** Holds back all traffic (open and new connections stay open) until {@link #heal()}. */
  public void stall() {
    stalled = true;
  }

  /** Ends a {@link #cut()} or {@link #stall()}: new connections are forwarded, held-back data is delivered. */
  public void heal() {
    cut = false;
    lock.lock();
    try {
      stalled = false;
      flowing.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean isCut() {
    return cut;
  }

  public boolean isStalled() {
    return stalled;
  }

  /** Sets the one-way latency added to every chunk in both directions (zero for none). */
  public void latency(Duration oneWay) {
    if (oneWay.isNegative()) {
      throw new IllegalArgumentException("latency must be ≥ 0, was " + oneWay);
    }
    latencyNanos = oneWay.toNanos();
  }

  /** Connections forwarded since the start. */
  public long acceptedConnections() {
    return accepted.get();
  }

  /** Connections reset at once because the proxy was cut (or the target refused them). */
  public long refusedConnections() {
    return refused.get();
  }

  /** Payload bytes delivered, both directions together. */
  public long bytesForwarded() {
    return bytes.get();
  }

  public int openConnections() {
    return links.size();
  }

  @Override
  public String toString() {
    InetSocketAddress to = target;
    return "FaultProxy[" + name + " :" + port() + " -> " + (to == null ? "unbound" : to.getPort()) + (cut ? " CUT" : "")
        + (stalled ? " STALLED" : "") + ", open=" + links.size() + ", accepted=" + accepted + ", refused=" + refused
        + ", bytes=" + bytes + "]";
  }

  /** Stops listening and closes every connection. */
  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Link link : List.copyOf(links)) {
      link.abort();
    }
    heal(); // wakes stalled writers so that they see the closed sockets and end
    try {
      acceptor.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        if (closed) {
          return;
        }
        continue;
      }
      if (cut) {
        refused.incrementAndGet();
        reset(client);
        continue;
      }
      Thread.ofVirtual().name("fault-proxy-" + name + "-connect").start(() -> connect(client));
    }
  }

  private void connect(Socket client) {
    Socket upstream = new Socket();
    InetSocketAddress to = target;
    try {
      if (to == null) {
        throw new IOException("proxy " + name + " has no target yet");
      }
      upstream.connect(to, CONNECT_TIMEOUT_MS);
    } catch (IOException e) {
      refused.incrementAndGet();
      reset(client);
      closeQuietly(upstream);
      return;
    }
    Link link = new Link(client, upstream);
    links.add(link);
    if (cut || closed) { // cut() ran between accept and add: it did not see this link
      link.abort();
      refused.incrementAndGet();
      return;
    }
    accepted.incrementAndGet();
    link.start();
  }

  private record Chunk(byte[] data, long dueNanos) {}

  /** One proxied connection: two sockets, two directions. */
  private final class Link {
    private final Socket client;
    private final Socket upstream;
    private final AtomicBoolean aborted = new AtomicBoolean();
    private final AtomicInteger directionsDone = new AtomicInteger();

    Link(Socket client, Socket upstream) {
      this.client = client;
      this.upstream = upstream;
    }

    void start() {
      try {
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        direction("up", client.getInputStream(), upstream, upstream.getOutputStream());
        direction("down", upstream.getInputStream(), client, client.getOutputStream());
      } catch (IOException e) {
        abort();
      }
    }

    private void direction(String which, InputStream in, Socket to, OutputStream out) {
      BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
      String prefix = "fault-proxy-" + name + "-" + which;
      Thread.ofVirtual().name(prefix + "-read").start(() -> {
        byte[] buffer = new byte[CHUNK_BYTES];
        try {
          for (int n; (n = in.read(buffer)) >= 0; ) {
            if (n > 0 && !enqueue(queue, new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + latencyNanos))) {
              return;
            }
          }
          enqueue(queue, EOF);
        } catch (IOException | InterruptedException e) {
          abort();
          queue.offer(EOF);
        }
      });
      Thread.ofVirtual().name(prefix + "-write").start(() -> {
        try {
          for (;;) {
            Chunk chunk = queue.take();
            awaitFlowing();
            if (aborted.get()) {
              return;
            }
            if (chunk == EOF) {
              to.shutdownOutput();
              if (directionsDone.incrementAndGet() == 2) {
                finish();
              }
              return;
            }
            long wait = chunk.dueNanos() - System.nanoTime();
            if (wait > 0) { // injected latency: this sleep is the fault, it waits for nothing
              Thread.sleep(Duration.ofNanos(wait));
            }
            out.write(chunk.data());
            out.flush();
            bytes.addAndGet(chunk.data().length);
          }
        } catch (IOException | InterruptedException e) {
          abort();
        }
      });
    }

    /** Blocks while the queue is full (back-pressure); false once the link is aborted. */
    private boolean enqueue(BlockingQueue<Chunk> queue, Chunk chunk) throws InterruptedException {
      while (!queue.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
        if (aborted.get()) {
          return false;
        }
      }
      return true;
    }

    private void awaitFlowing() throws InterruptedException {
      if (!stalled) {
        return;
      }
      lock.lock();
      try {
        while (stalled && !aborted.get() && !closed) {
          flowing.await();
        }
      } finally {
        lock.unlock();
      }
    }

    /** Both directions ended normally (FIN both ways). */
    private void finish() {
      if (aborted.compareAndSet(false, true)) {
        closeQuietly(client);
        closeQuietly(upstream);
        links.remove(this);
      }
    }

    /** Resets both sockets; readers and writers fail and end. */
    void abort() {
      if (aborted.compareAndSet(false, true)) {
        reset(client);
        reset(upstream);
        links.remove(this);
        lock.lock();
        try {
          flowing.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
  }

  /** Closes with SO_LINGER 0, so the other end gets a TCP reset instead of an orderly end of stream. */
  private static void reset(Socket socket) {
    try {
      if (!socket.isClosed() && socket.isConnected()) {
        socket.setSoLinger(true, 0);
      }
    } catch (SocketException ignored) {
      // closed anyway below
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
