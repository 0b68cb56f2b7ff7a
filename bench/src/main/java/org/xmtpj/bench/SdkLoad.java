package org.xmtpj.bench;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.Signer;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpException;
import org.xmtpj.client.XmtpStream;
import org.xmtpj.crypto.Secp256k1;

/**
 * The Java SDK end to end against a node in another process: alice sends text messages to bob as fast as she can
 * (one blocking sender, then K in flight through the async view), bob counts and decrypts them on
 * {@code streamAllMessages()}; both clients live in this JVM, which {@code bench/run.sh} pins to one core, while
 * the node is moved to another. Each message's text starts with "phase seq System.nanoTime()-at-send", so the
 * end-to-end latency is decrypted-on-bob's-stream minus the moment {@code send} was called.
 */
final class SdkLoad {
  private final Recorder endToEnd = new Recorder(3);
  private final AtomicInteger received = new AtomicInteger();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder strays = new LongAdder();
  private final AtomicReference<String> lastError = new AtomicReference<>();
  private volatile int phase = -1;
  private volatile boolean[] seen = new boolean[0];
  private volatile long lastArrival;
  private int skipped;
  /** The blocking sender: one platform thread that outlives the phases, so per-thread CPU accounting sees it. */
  private final ExecutorService sender =
      Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("sdk-sender").unstarted(r));

  /** What one phase measured; CPU figures are of this JVM (both clients), in nanoseconds. */
  private record Result(int messages, double seconds, long clientCpu, long jitCpu) {
    /** Client CPU per message, without the JIT compiler threads (still compiling now and then on one core). */
    double cpuPerMessageMicros() {
      return (clientCpu - jitCpu) / 1e3 / messages;
    }
  }

  static void run(Options o, BenchNode node, Section s, boolean http) throws InterruptedException {
    int messages = o.intValue("messages", 4000);
    int warmup = o.intValue("warmup-messages", 5000);
    int size = o.intValue("size", 100);
    int k = o.intValue("concurrency", 32);
    int conversations = o.intValue("conversations", 20);
    String url = http ? node.httpUrl() : "grpc://127.0.0.1:" + node.grpcPort();
    s.parameter("client", "this JVM: two XmtpClients (alice sends, bob streams), " + (http
            ? "HTTP/JSON gateway (" + url + ")" : "gRPC (" + url + ")") + ", default builder settings")
        .parameter("CPU pinning", "client: " + SdkCrypto.pinning() + "; node pid " + node.pid()
            + ": allowed CPUs " + SdkCrypto.allowedCpus(node.pid()))
        .parameter("messages", String.format("%,d text messages of %d bytes per phase, after a warm-up round of "
            + "the same four phases with %,d each; K = %d in flight for the async phases", messages, size, warmup, k));
    SecureRandom random = new SecureRandom();
    try (XmtpClient alice = client(url, random); XmtpClient bob = client(url, random)) {
      Conversation c = alice.conversations().newConversation(bob.address());
      SdkLoad load = new SdkLoad();
      load.round(null, alice, bob, c, node, warmup, k, size); // JIT warm-up of every path measured below
      conversations(s, alice, bob, node, conversations);
      Result[] r = load.round(s, alice, bob, c, node, messages, k, size);
      s.result("derived: client CPU per message without JIT threads (phases without bob)", String.format(
          "sequential send %.0f µs (one core: %,.0f sends/s); with %d in flight %.0f µs (one core: %,.0f sends/s)",
          r[2].cpuPerMessageMicros(), 1e6 / r[2].cpuPerMessageMicros(), k, r[3].cpuPerMessageMicros(),
          1e6 / r[3].cpuPerMessageMicros()));
      double seqReceive = r[0].cpuPerMessageMicros() - r[2].cpuPerMessageMicros();
      double asyncReceive = r[1].cpuPerMessageMicros() - r[3].cpuPerMessageMicros();
      s.result("derived: bob's receive + decrypt CPU per message (with bob − without)", String.format("%.0f µs "
          + "(sequential phases), %.0f µs (async phases): one core would take %,.0f–%,.0f msgs/s", seqReceive,
          asyncReceive, 1e6 / Math.max(seqReceive, asyncReceive), 1e6 / Math.min(seqReceive, asyncReceive)));
      s.result("stream: skipped envelopes / stray messages / last error", load.skipped + " / "
          + load.strays.sum() + " / " + load.lastError.get());
      load.sender.shutdown();
    }
  }

  /**
   * The four measured phases: sequential, then k in flight, first with bob streaming (a fresh streamAllMessages),
   * then with nobody streaming. A null section makes it a warm-up.
   */
  private Result[] round(Section s, XmtpClient alice, XmtpClient bob, Conversation c, BenchNode node, int n, int k,
      int size) throws InterruptedException {
    Result[] r = new Result[4];
    XmtpStream<DecodedMessage> stream = bob.conversations().streamAllMessages();
    Thread receiver = receive(stream);
    r[0] = phase(s, "sequential send, bob streaming", alice, c, node, n, 1, size, true);
    r[1] = phase(s, k + " async sends in flight, bob streaming", alice, c, node, n, k, size, true);
    stream.close();
    receiver.join(5000);
    skipped += stream.drainSkipped().size();
    r[2] = phase(s, "sequential send, nobody streaming", alice, c, node, n, 1, size, false);
    r[3] = phase(s, k + " async sends in flight, nobody streaming", alice, c, node, n, k, size, false);
    return r;
  }

  private static XmtpClient client(String url, SecureRandom random) {
    return XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(random))).node(url).build();
  }

  /**
   * Times newConversation (invitation, seal, two durable publishes, open), each with a new conversation id, after
   * as many unmeasured ones; nobody streams.
   */
  private static void conversations(Section s, XmtpClient alice, XmtpClient bob, BenchNode node, int n) {
    for (int i = 0; i < n; i++) {
      alice.conversations().newConversation(bob.address(), "warm-up/" + i, Map.of());
    }
    Histogram h = new Histogram(3);
    TaskCpu tasks = TaskCpu.snapshot(ProcessHandle.current().pid());
    long cpu = Window.benchCpuNanos();
    long nodeCpu = node.cpuNanos();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      long t = System.nanoTime();
      alice.conversations().newConversation(bob.address(), "bench/" + i, Map.of());
      h.recordValue(System.nanoTime() - t);
    }
    double wall = System.nanoTime() - start;
    double used = (Window.benchCpuNanos() - cpu) / 1e9;
    double jit = TaskCpu.snapshot(ProcessHandle.current().pid()).secondsSince(tasks,
        g -> g != null && g.contains("CompilerThre"));
    s.result("newConversation (sequential, " + n + ")", String.format("%,.0f/s; %s; client CPU %.2f ms each "
            + "(%.2f ms without JIT compiler threads), node %.2f ms each", n / (wall / 1e9),
        Section.latencySummary(h), used * 1e3 / n, (used - jit) * 1e3 / n, (node.cpuNanos() - nodeCpu) / 1e6 / n));
  }

  /** Bob's side: takes decrypted messages off the stream and matches them to the current phase. */
  private Thread receive(XmtpStream<DecodedMessage> stream) {
    return Thread.ofPlatform().name("sdk-receiver").start(() -> {
      try {
        while (stream.isOpen()) {
          DecodedMessage m = stream.poll(Duration.ofMillis(200));
          if (m != null) {
            arrived(m.text(), System.nanoTime());
          }
        }
      } catch (XmtpException e) {
        if (e.kind() != XmtpException.Kind.CLOSED) {
          lastError.set(e.toString());
        }
      } catch (InterruptedException e) {
        // closing
      }
    });
  }

  private void arrived(String text, long now) {
    String[] f = text.split(" ", 4);
    int p = Integer.parseInt(f[0]);
    int seq = Integer.parseInt(f[1]);
    long sentAt = Long.parseLong(f[2]);
    boolean[] current = seen;
    if (p != phase || seq >= current.length) {
      strays.increment();
      return;
    }
    if (current[seq]) {
      duplicates.increment();
      return;
    }
    current[seq] = true;
    endToEnd.recordValue(Math.max(0, now - sentAt));
    lastArrival = now;
    received.incrementAndGet();
  }

  private static String text(int phase, int seq, long sentAt, int size) {
    StringBuilder b = new StringBuilder(size).append(phase).append(' ').append(seq).append(' ').append(sentAt)
        .append(' ');
    while (b.length() < size) {
      b.append((char) ('a' + b.length() % 26));
    }
    return b.toString();
  }

  /** Sends {@code n} messages (k = 1: one blocking sender thread; else k async sends in flight); null s = warm-up. */
  private Result phase(Section s, String name, XmtpClient alice, Conversation c, BenchNode node, int n, int k,
      int size, boolean receiving) throws InterruptedException {
    int id = phase + 1;
    seen = new boolean[n];
    received.set(0);
    duplicates.reset();
    phase = id;
    endToEnd.reset();
    Recorder sendLatency = new Recorder(3);
    LongAdder errors = new LongAdder();
    long pid = ProcessHandle.current().pid();
    TaskCpu tasksBefore = TaskCpu.snapshot(pid);
    long cpuBefore = Window.benchCpuNanos();
    long nodeCpuBefore = node.cpuNanos();
    long[] psiBefore = Window.pressure();
    String loadBefore = Window.loadAverage();
    long start = System.nanoTime();
    if (k == 1) {
      Future<?> done = sender.submit(() -> {
        for (int i = 0; i < n; i++) {
          long t = System.nanoTime();
          try {
            c.send(text(id, i, t, size));
            sendLatency.recordValue(System.nanoTime() - t);
          } catch (RuntimeException e) {
            errors.increment();
            lastError.set(e.toString());
          }
        }
      });
      try {
        done.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    } else {
      Semaphore inFlight = new Semaphore(k);
      for (int i = 0; i < n; i++) {
        inFlight.acquire();
        long t = System.nanoTime();
        alice.async().send(c, text(id, i, t, size)).whenComplete((m, e) -> {
          if (e == null) {
            sendLatency.recordValue(System.nanoTime() - t);
          } else {
            errors.increment();
            lastError.set(e.toString());
          }
          inFlight.release();
        });
      }
      inFlight.acquire(k);
    }
    long sendEnd = System.nanoTime();
    long deadline = sendEnd + TimeUnit.SECONDS.toNanos(60);
    while (receiving && received.get() < n - errors.intValue() && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    long end = receiving ? Math.max(sendEnd, lastArrival) : sendEnd;
    long cpu = Window.benchCpuNanos() - cpuBefore;
    long nodeCpu = node.cpuNanos() - nodeCpuBefore;
    long[] psiAfter = Window.pressure();
    TaskCpu tasksAfter = TaskCpu.snapshot(pid);
    double seconds = (end - start) / 1e9;
    double sendSeconds = (sendEnd - start) / 1e9;
    long jit = (long) (1e9 * tasksAfter.secondsSince(tasksBefore, g -> g != null && g.contains("CompilerThre")));
    Result r = new Result(n, seconds, cpu, jit);
    if (s == null) {
      return r;
    }
    String p = name + ": ";
    s.result(p + "send", String.format("%,.0f msgs/s (%,d in %.2f s, %d errors); send call %s", n / sendSeconds, n,
        sendSeconds, errors.sum(), Section.latencySummary(sendLatency.getIntervalHistogram())));
    if (receiving) {
      s.result(p + "receive + decrypt on bob's stream", String.format("%,.0f msgs/s (%,d of %,d received by "
          + "%.2f s after the first send; %d duplicates)", received.get() / seconds, received.get(), n, seconds,
          duplicates.sum()));
      s.latency(p + "end-to-end latency (send called → decrypted on bob's stream)", endToEnd.getIntervalHistogram());
    }
    double wall = end - start;
    s.result(p + "CPU", String.format("client process %.2f cores (%.0f µs per message, %.0f µs without JIT "
            + "compiler threads), node %.2f cores (%.0f µs per message); PSI: some task waiting for a CPU %s; "
            + "load %s → %s", cpu / wall, cpu / 1e3 / n, r.cpuPerMessageMicros(), nodeCpu / wall, nodeCpu / 1e3 / n,
        psi(psiBefore, psiAfter, wall), loadBefore, Window.loadAverage()));
    s.result(p + "client CPU by thread group (cores)", tasksAfter.busiestSince(tasksBefore, seconds, 6));
    return r;
  }

  private static String psi(long[] before, long[] after, double wallNanos) {
    return before == null || after == null ? "?" : String.format("%.0f %%", 100 * (after[0] - before[0])
        / (wallNanos / 1e3));
  }

  /** Moves every thread of a process onto {@code cpus} (taskset -a -p); returns the allowed list afterwards. */
  static String pin(long pid, String cpus) {
    try {
      Process p = new ProcessBuilder("taskset", "-a", "-p", "-c", cpus, Long.toString(pid))
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("taskset -a -p -c " + cpus + " " + pid + " failed");
      }
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot run taskset: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return SdkCrypto.allowedCpus(pid);
  }
}
