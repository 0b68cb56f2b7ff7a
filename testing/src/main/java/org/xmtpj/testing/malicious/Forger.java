package org.xmtpj.testing.malicious;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.testing.sim.BadFrames;

/**
 * The events the malicious node makes under its own origin key, which the honest nodes accept as an authorized
 * origin (it is a pinned peer): valid ones numbered like an honest origin's, equivocating twins (two different
 * events with one origin and sequence number), and garbage that fails verification.
 */
final class Forger {
  private final Ed25519KeyPair keys;
  private final AtomicLong seq = new AtomicLong();

  Forger(Ed25519KeyPair keys) {
    this.keys = keys;
  }

  /** {@code n} valid events, each the root of a topic of its own, with {@code payload} message bytes each. */
  List<byte[]> valid(int n, int payload) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(event(seq.incrementAndGet(), "flood", payload));
    }
    return out;
  }

  /** Two valid events with the same origin and sequence number and different content. */
  List<byte[]> twins() {
    long s = seq.incrementAndGet();
    return List.of(event(s, "twin-a", 64), event(s, "twin-b", 64));
  }

  /** {@code n} events whose signatures do not verify (one bit flipped): each costs the sender a penalty. */
  List<byte[]> badSignatures(int n) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(BadFrames.badSignature(event(seq.get() + 1_000_000 + i, "forged", 32)));
    }
    return out;
  }

  /** {@code n} random byte strings of {@code size} bytes: not events at all. */
  List<byte[]> garbage(int n, int size) {
    List<byte[]> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] b = new byte[size];
      ThreadLocalRandom.current().nextBytes(b);
      out.add(b);
    }
    return out;
  }

  private byte[] event(long s, String kind, int payload) {
    byte[] message = new byte[payload];
    ThreadLocalRandom.current().nextBytes(message);
    String topic = "/xmtp/0/m-malicious-" + kind + "-" + s + "/proto";
    return BadFrames.event(keys, topic, s, System.currentTimeMillis(), List.of(), message);
  }
}
