package org.xmtpj.testing.malicious;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.xmtpj.crypto.Ed25519KeyPair;

/**
 * A member of the network that attacks it (issue 13's chaos run): it holds a valid node key, which the honest
 * nodes pin in their peers files ({@link #peerSpec()}), so they accept its handshakes, its signatures and its
 * origin. It runs in the test's JVM as a gRPC server on loopback port 0 that lies to the honest nodes when they
 * call it ({@link LyingService}), and as a client of their replication endpoints that, once {@link #attack} starts
 * it, floods them, equivocates, sends garbage requests and replays handshakes ({@link Attacks}) until
 * {@link #close()}.
 *
 * <pre>{@code
 * try (MaliciousNode liar = MaliciousNode.start()) {
 *   cluster.setPeers(0, List.of(cluster.peerSpec(1), liar.peerSpec()));   // and so on for every honest node
 *   liar.attack(List.of(new MaliciousNode.Target(cluster.node(0).nodeKey(), cluster.node(0).replicationPort())));
 *   ...
 *   liar.replaysAccepted();   // 0 for sound nodes
 * }
 * }</pre>
 */
public final class MaliciousNode implements AutoCloseable {
  private final Ed25519KeyPair keys;
  private final Tally tally = new Tally();
  private final Forger forger;
  private final Handshakes handshakes;
  private final LyingService service;
  private final Server server;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final List<Attacker> attackers = new CopyOnWriteArrayList<>();
  private Attacks attacks;
  private volatile boolean running = true;
  private volatile long fullAttackAtNanos;

  /** An honest node to attack: its node key (hex) and its replication port on 127.0.0.1. */
  public record Target(String key, int port) {}

  private MaliciousNode(Ed25519KeyPair keys) throws IOException {
    this.keys = keys;
    this.forger = new Forger(keys);
    this.handshakes = new Handshakes(keys);
    this.service = new LyingService(handshakes, forger, keys.publicKey(), tally);
    this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .maxInboundMessageSize(64 << 20).addService(service).build().start();
  }

  /** A fresh key and a lying server listening on a loopback port of its own. */
  public static MaliciousNode start() {
    try {
      return new MaliciousNode(Ed25519KeyPair.generate(new SecureRandom()));
    } catch (IOException e) {
      throw new UncheckedIOException("the malicious node's server did not start", e);
    }
  }

  /** Its node key, hex: the origin of the events it makes. */
  public String key() {
    return HexFormat.of().formatHex(keys.publicKey());
  }

  /** {@code KEY@127.0.0.1:PORT}, as an honest node's peers file pins it. */
  public String peerSpec() {
    return key() + "@127.0.0.1:" + server.getPort();
  }

  /** As {@link #attack(List, Duration)} with every attack from the start. */
  public void attack(List<Target> targets) {
    attack(targets, Duration.ZERO);
  }

  /**
   * Starts the attack on every target, one thread each, after equivocating once to every pair of them (one
   * event of a pair to each node, so each sees the conflict only through the others). For the first {@code
   * heavyFirst} it only floods with valid events and reads whole pages, and answers calls with nothing: none of
   * that earns a penalty, so the honest nodes carry the load before the lies, forged frames, garbage and replays
   * that follow get it banned. Runs until {@link #close()}.
   */
  public synchronized void attack(List<Target> targets, Duration heavyFirst) {
    if (attacks != null) {
      throw new IllegalStateException("already attacking");
    }
    attacks = new Attacks(forger, handshakes, service);
    for (Target t : targets) {
      attackers.add(new Attacker(new Attacker.Target(t.key(), t.port()), handshakes, tally));
    }
    fullAttackAtNanos = System.nanoTime() + heavyFirst.toNanos();
    equivocate();
    for (Attacker a : attackers) {
      List<Attacker> others = attackers.stream().filter(o -> o != a).toList();
      threads.add(Thread.ofPlatform().daemon().name("malicious-" + a.target.port()).start(() -> loop(a, others)));
    }
  }

  private void equivocate() {
    for (int i = 0; i < attackers.size(); i++) {
      List<byte[]> twins = forger.twins();
      attackers.get(i).push("equivocate", List.of(twins.get(0)));
      attackers.get((i + 1) % attackers.size()).push("equivocate", List.of(twins.get(1)));
    }
  }

  private void loop(Attacker a, List<Attacker> others) {
    try {
      while (running) {
        boolean full = System.nanoTime() - fullAttackAtNanos >= 0;
        if (full) {
          service.startLying();
        }
        attacks.round(a, others, full);
        tally.add("rounds", a.target.port() + "");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (running) {
        tally.add("attack_thread_died", e.toString());
      }
    }
  }

  /** How every attack ended so far, {@code "attack outcome" → count}, outcome a gRPC status code or "ok". */
  public Map<String, Long> report() {
    return tally.snapshot();
  }

  /** Replayed or forged handshakes and sessions a node accepted: each is a hole (0 for sound nodes). */
  public long replaysAccepted() {
    return tally.snapshot().entrySet().stream().filter(e -> e.getKey().startsWith("replay ")
        && e.getKey().endsWith(" ok")).mapToLong(Map.Entry::getValue).sum();
  }

  /** Calls of one kind that ended with one outcome, e.g. {@code count("flood forged_100", "ok")}. */
  public long count(String attack, String outcome) {
    return tally.get(attack, outcome);
  }

  /** Stops the attack and the server. */
  @Override
  public void close() {
    running = false;
    List<Thread> stopping = new ArrayList<>(threads);
    stopping.forEach(Thread::interrupt);
    attackers.forEach(Attacker::close);
    if (attacks != null) {
      attacks.close();
    }
    server.shutdownNow();
    try {
      for (Thread t : stopping) {
        t.join(10_000);
      }
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
