package org.xmtpj.testing;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xmtp.proto.message.api.v1.Envelope;

/**
 * Concurrent HTTP publishers, each with its own identity, publishing one-envelope requests with unique messages
 * round-robin over some topics until {@link #stop()}. Every attempt and every acknowledgement is recorded, so a
 * test can check afterwards what the node must have kept ({@link #acked()}) and what it may have kept
 * ({@link #attempted()}).
 */
public final class PublishLoad implements AutoCloseable {
  /** One sent envelope, identified by its topic and its (unique) message bytes. */
  public record Sent(String topic, ByteString message) {
    public static Sent of(Envelope envelope) {
      return new Sent(envelope.getContentTopic(), envelope.getMessage());
    }
  }

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);
  /**
   * Pace of a publisher whose last request failed. This paces the load, it waits for nothing: while the node is
   * down or refusing (a crash test), publishers keep trying, at this rate rather than in a tight loop of
   * refused connections that would take the CPU the restarting node needs.
   */
  private static final Duration RETRY_PACE = Duration.ofMillis(10);

  private final String baseUrl;
  private final List<String> topics;
  private final String label;
  private final HttpClient http = TestClients.newHttpClient();
  private final Set<Sent> attempted = ConcurrentHashMap.newKeySet();
  private final Set<Sent> acked = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicInteger> rejections = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CountDownLatch firstAck = new CountDownLatch(1);
  private final AtomicLong connectionFailures = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopping;
  private final CountDownLatch stopSignal = new CountDownLatch(1); // ends a pause at once on stop()

  private PublishLoad(String baseUrl, List<String> topics, String label) {
    this.baseUrl = baseUrl;
    this.topics = List.copyOf(topics);
    this.label = label;
  }

  /**
   * Starts the publishers.
   *
   * @param label makes the messages unique across loads, e.g. {@code "rep-3"}
   */
  public static PublishLoad start(String baseUrl, int publishers, List<String> topics, String label) {
    PublishLoad load = new PublishLoad(baseUrl, topics, label);
    for (int i = 0; i < publishers; i++) {
      TestClients client = TestClients.newIdentity(load.http);
      client.authorization(); // sign the token before the load starts
      int publisher = i;
      load.threads.add(Thread.ofPlatform().name("publisher-" + label + "-" + i).daemon()
          .start(() -> load.run(publisher, client)));
    }
    return load;
  }

  /** Requests sent whose response has not arrived yet. */
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * Waits until some publish has been acknowledged, so that what follows happens under load rather than while
   * a freshly started node is still warming up.
   *
   * @return false if nothing was acknowledged within the timeout
   */
  public boolean awaitFirstAck(Duration timeout) throws InterruptedException {
    return firstAck.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Signals the publishers to end and waits for each to finish its current request. */
  public void stop() {
    stopping = true;
    stopSignal.countDown();
    for (Thread thread : threads) {
      try {
        if (!thread.join(JOIN_TIMEOUT)) {
          throw new IllegalStateException(thread.getName() + " still waits for a response after "
              + JOIN_TIMEOUT.toSeconds() + " s");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while stopping publishers", e);
      }
    }
  }

  /** Every envelope sent, acknowledged or not. */
  public Set<Sent> attempted() {
    return Set.copyOf(attempted);
  }

  /** Every envelope whose publish returned 200 {@code {}}. */
  public Set<Sent> acked() {
    return Set.copyOf(acked);
  }

  /** Non-acknowledging HTTP answers by status and body, e.g. {@code "503 {...}" -> 4}. */
  public Map<String, Integer> rejections() {
    Map<String, Integer> copy = new ConcurrentHashMap<>();
    rejections.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  /** Requests that ended with an I/O error (connection refused or reset). */
  public long connectionFailures() {
    return connectionFailures.get();
  }

  @Override
  public void close() {
    stopping = true;
    stop();
    http.close();
  }

  private void run(int publisher, TestClients client) {
    long seq = 0;
    while (!stopping) {
      String topic = topics.get((int) ((publisher + seq) % topics.size()));
      byte[] message = (label + "/p" + publisher + "/s" + seq++ + "/" + System.nanoTime())
          .getBytes(StandardCharsets.UTF_8);
      Envelope envelope = TestClients.envelope(topic, message);
      if (!publishOne(client, envelope)) {
        pause();
      }
    }
  }

  /** Returns true when acknowledged. */
  private boolean publishOne(TestClients client, Envelope envelope) {
    Sent sent = Sent.of(envelope);
    attempted.add(sent);
    inFlight.incrementAndGet();
    try {
      TestClients.HttpResult result = client.publish(baseUrl, List.of(envelope));
      if (result.acked()) {
        acked.add(sent);
        firstAck.countDown();
        return true;
      }
      String key = result.status() + " " + result.body().strip();
      rejections.computeIfAbsent(key.length() > 160 ? key.substring(0, 160) : key, k -> new AtomicInteger())
          .incrementAndGet();
      return false;
    } catch (IOException e) {
      connectionFailures.incrementAndGet();
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
      return false;
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void pause() {
    try {
      stopSignal.await(RETRY_PACE.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }
}
