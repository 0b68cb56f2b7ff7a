package org.xmtpj.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte-counting TCP proxy for measurements: listens on a free loopback port, forwards every connection to one
 * target unchanged, and counts the payload bytes in each direction. An optional {@link Tap} sees every chunk in
 * order (per connection and direction), e.g. to account bytes per protocol frame. Point the client at
 * {@link #port()} instead of the target. Faults are {@link FaultProxy}'s business; this one only counts.
 *
 * <pre>{@code
 * try (CountingProxy link = CountingProxy.start("b->a", aPort, null)) {
 *   startB("--peer", aKey + "@127.0.0.1:" + link.port());
 *   long before = link.bytes(CountingProxy.Direction.UP); ...
 * }
 * }</pre>
 */
public final class CountingProxy implements AutoCloseable {
  private static final int CHUNK_BYTES = 64 * 1024;

  /** {@code UP}: from the connecting client to the target; {@code DOWN}: back. */
  public enum Direction { UP, DOWN }

  /** Sees the bytes of each connection and direction in order, on that direction's forwarding thread. */
  @FunctionalInterface
  public interface Tap {
    void bytes(long connection, Direction direction, byte[] data, int offset, int length);
  }

  private final String name;
  private final InetSocketAddress target;
  private final ServerSocket server;
  private final Tap tap;
  private final AtomicLong up = new AtomicLong();
  private final AtomicLong down = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private CountingProxy(String name, InetSocketAddress target, ServerSocket server, Tap tap) {
    this.name = name;
    this.target = target;
    this.server = server;
    this.tap = tap;
    Thread.ofVirtual().name("counting-proxy-" + name + "-accept").start(this::acceptLoop);
  }

  /** Starts a proxy on a free port of 127.0.0.1 forwarding to {@code 127.0.0.1:targetPort}; {@code tap} may be null. */
  public static CountingProxy start(String name, int targetPort, Tap tap) {
    try {
      ServerSocket server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
      return new CountingProxy(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), server,
          tap);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open a listening socket for proxy " + name, e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  public String name() {
    return name;
  }

  /** Payload bytes forwarded in one direction since the start. */
  public long bytes(Direction direction) {
    return direction == Direction.UP ? up.get() : down.get();
  }

  /** Connections accepted (and forwarded) since the start. */
  public long connections() {
    return connections.get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    open.forEach(CountingProxy::closeQuietly);
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
      long id = connections.incrementAndGet();
      Thread.ofVirtual().name("counting-proxy-" + name + "-" + id).start(() -> connect(id, client));
    }
  }

  private void connect(long id, Socket client) {
    Socket upstream = new Socket();
    try {
      upstream.connect(target, 2_000);
      client.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      open.add(client);
      open.add(upstream);
      AtomicInteger ended = new AtomicInteger();
      Runnable end = () -> {
        if (ended.incrementAndGet() == 2) {
          closeQuietly(client);
          closeQuietly(upstream);
          open.remove(client);
          open.remove(upstream);
        }
      };
      Thread.ofVirtual().start(() -> {
        pump(id, Direction.UP, client, upstream, up);
        end.run();
      });
      pump(id, Direction.DOWN, upstream, client, down);
      end.run();
    } catch (IOException e) {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private void pump(long id, Direction direction, Socket from, Socket to, AtomicLong counter) {
    byte[] buffer = new byte[CHUNK_BYTES];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int n; (n = in.read(buffer)) >= 0; ) {
        if (n == 0) {
          continue;
        }
        counter.addAndGet(n);
        if (tap != null) {
          try {
            tap.bytes(id, direction, buffer, 0, n);
          } catch (RuntimeException e) {
            // a faulty observer must not break the link it observes
          }
        }
        out.write(buffer, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
