package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.node.ingest.IngestMetrics;
import org.xmtpj.node.ingest.Originator;
import org.xmtpj.node.subscribe.EnvelopeSink;
import org.xmtpj.node.subscribe.SubscriptionHub;
import org.xmtpj.node.subscribe.SubscriptionMetrics;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;

/** A subscriber slower than the publishers overflows its queue and must still see every stored envelope once. */
class SlowSubscriberTest {
  @TempDir
  Path dir;

  @Test
  void shouldDeliverEveryStoredEnvelopeExactlyOnceInOrderWhenSubscriberFallsBehind() throws Exception {
    String topic = "/xmtp/0/m-slow/proto";
    try (EventStore store = EventStores.sqlite(dir)) {
      CountingMetrics metrics = new CountingMetrics();
      SubscriptionHub hub = new SubscriptionHub(store, 0, 4, Duration.ofSeconds(5),
          org.xmtpj.node.subscribe.StreamLimits.DEFAULTS, metrics);
      List<Long> received = new CopyOnWriteArrayList<>();
      hub.subscribe("test", Set.of(topic), new SlowSink(received, metrics.overflowed), "test");
      try (Originator originator = new Originator(store, new EventSigner(Ed25519KeyPair.generate(
          new SecureRandom())), hub, Clock.systemUTC(), IngestMetrics.NONE, 50, 10_000)) {
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        for (long i = 1; i <= 400; i++) {
          acks.add(originator.publish(List.of(new ClientEnvelope(topic, i, ("m" + i).getBytes()))));
          if (i % 7 == 0) {
            acks.add(originator.publish(List.of(new ClientEnvelope("/xmtp/0/m-other/proto", i, new byte[] {1}))));
          }
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).join();
        // committed after all 400: once it arrives, every earlier envelope and any duplicate of one has too
        originator.publish(List.of(new ClientEnvelope(topic, MARKER, "marker".getBytes()))).join();
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> received.contains(MARKER));
      assertThat(metrics.fellBehind).as("the queue of 4 must overflow for this test to mean anything")
          .isPositive();
      assertThat(received).isEqualTo(java.util.stream.LongStream.rangeClosed(1, MARKER).boxed().toList());
    }
  }

  private static final long MARKER = 401;

  /** Holds up the first delivery until the hub reports the queue overflowed: slow exactly as long as it must be. */
  private record SlowSink(List<Long> received, CountDownLatch overflowed) implements EnvelopeSink {
    @Override
    public void send(ClientEnvelope envelope) throws IOException {
      received.add(envelope.timestampNs());
      if (received.size() == 1) {
        try {
          if (!overflowed.await(30, TimeUnit.SECONDS)) {
            throw new IOException("the subscription queue never overflowed");
          }
        } catch (InterruptedException e) {
          throw new IOException(e);
        }
      }
    }

    @Override
    public void keepAlive() {}

    @Override
    public void fail(String reason) {}
  }

  private static final class CountingMetrics implements SubscriptionMetrics {
    final CountDownLatch overflowed = new CountDownLatch(1);
    volatile int fellBehind;

    @Override
    public void subscribers(int active) {}

    @Override
    public void opened(String transport) {}

    @Override
    public void delivered(long nanosSinceCommit) {}

    @Override
    public void fellBehind() {
      fellBehind++;
      overflowed.countDown();
    }

    @Override
    public void droppedUnstored() {}
  }
}
