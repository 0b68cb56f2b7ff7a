package org.xmtpj.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventCodec;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.EventSigner;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.node.ingest.IngestMetrics;
import org.xmtpj.node.ingest.Originator;
import org.xmtpj.store.Digest;
import org.xmtpj.store.EnvelopePage;
import org.xmtpj.store.EnvelopeQuery;
import org.xmtpj.store.EventStore;
import org.xmtpj.store.EventStores;
import org.xmtpj.store.StoreStats;
import org.xmtpj.store.StoredEnvelope;
import org.xmtpj.store.StoredEvent;
import org.xmtpj.store.WriterState;

/** A failed commit fails its publishes and those built on it, and the writer resumes with consistent state. */
class OriginatorFailureTest {
  @TempDir
  Path dir;

  @Test
  void shouldFailBatchesBuiltOnAFailedCommitAndResumeWithContiguousSequences() throws Exception {
    String topic = "/xmtp/0/m-fail/proto";
    try (EventStore real = EventStores.sqlite(dir)) {
      FailingStore store = new FailingStore(real, 20);
      EventSigner signer = new EventSigner(Ed25519KeyPair.generate(new SecureRandom()));
      List<CompletableFuture<Void>> acks = new ArrayList<>();
      List<Long> acked = new ArrayList<>();
      try (Originator o = new Originator(store.proxy(), signer, e -> { }, Clock.systemUTC(), IngestMetrics.NONE, 5, 1000)) {
        for (long i = 1; i <= 20; i++) {
          acks.add(o.publish(List.of(new ClientEnvelope(topic, i, ("m" + i).getBytes()))));
        }
        // 21..60 go in only once the append carrying 20 is under way, so none can be in that append: they are
        // prepared on top of it while it is held (see FailingStore), and must fail with it
        assertThat(store.failingAppendStarted.await(10, TimeUnit.SECONDS)).as("the append carrying 20 began")
            .isTrue();
        for (long i = 21; i <= 60; i++) {
          acks.add(o.publish(List.of(new ClientEnvelope(topic, i, ("m" + i).getBytes()))));
        }
        for (int i = 0; i < acks.size(); i++) {
          try {
            acks.get(i).join();
            acked.add(i + 1L);
          } catch (CompletionException e) {
            assertThat(e.getCause()).hasMessageContaining("storing failed");
            if (i + 1 > 20) {
              assertThat(e.getCause()).hasMessageContaining("an earlier batch failed to commit");
            }
          }
        }
        List<CompletableFuture<Void>> after = new ArrayList<>();
        for (long i = 61; i <= 70; i++) {
          after.add(o.publish(List.of(new ClientEnvelope(topic, i, ("m" + i).getBytes()))));
        }
        for (int i = 0; i < after.size(); i++) {
          after.get(i).join(); // the writer resumed: every later publish succeeds
          acked.add(61L + i);
        }
      }
      assertThat(store.failures.get()).isEqualTo(1);
      assertThat(acked).as("20 failed, and 21, prepared on top of it while its append was held")
          .doesNotContain(20L, 21L).contains(61L, 70L);
      EnvelopePage page = real.query(new EnvelopeQuery(List.of(topic), 0, 0, SortDirection.ASCENDING, null, 100));
      assertThat(page.envelopes()).extracting(ClientEnvelope::timestampNs).containsExactlyElementsOf(acked);
      assertThat(real.writerState(signer.origin()).lastOriginSeq()).isEqualTo(acked.size());
      List<EventId> heads = real.heads(topic);
      assertThat(heads).hasSize(1);
      var last = org.xmtpj.dag.EventVerifier.verify(real.event(heads.get(0)).orElseThrow()).event();
      for (EventId parent : last.parents()) {
        assertThat(real.event(parent)).as("every parent of the head is stored").isPresent();
      }
    }
  }

  /**
   * Fails, once, the append that carries the envelope with a given timestamp, like a full disk would. Before
   * failing it holds that append until the preparer has begun a later batch (it asks the store which digests
   * exist for every batch), so that batch is built on the failing one. A dynamic proxy, so that every other
   * store method reaches the real store unchanged.
   */
  private static final class FailingStore implements java.lang.reflect.InvocationHandler {
    private final EventStore delegate;
    private final long failOnTimestamp;
    final AtomicInteger failures = new AtomicInteger();
    final CountDownLatch failingAppendStarted = new CountDownLatch(1);
    private final CountDownLatch preparedOnTop = new CountDownLatch(1);

    FailingStore(EventStore delegate, long failOnTimestamp) {
      this.delegate = delegate;
      this.failOnTimestamp = failOnTimestamp;
    }

    EventStore proxy() {
      return (EventStore) java.lang.reflect.Proxy.newProxyInstance(EventStore.class.getClassLoader(),
          new Class<?>[] {EventStore.class}, this);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args) throws Throwable {
      if (method.getName().equals("close")) {
        return null;
      }
      if (method.getName().equals("existingDigests") && failingAppendStarted.getCount() == 0) {
        preparedOnTop.countDown();
      }
      if (method.getName().equals("append")) {
        List<StoredEvent> batch = (List<StoredEvent>) args[0];
        if (failures.get() == 0 && batch.stream().anyMatch(e -> e.envelope() != null
            && e.envelope().timestampNs() == failOnTimestamp)) {
          failures.incrementAndGet();
          failingAppendStarted.countDown();
          if (!preparedOnTop.await(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the preparer never began a batch on top of the failing one");
          }
          throw new IllegalStateException("disk full");
        }
      }
      try {
        return method.invoke(delegate, args);
      } catch (java.lang.reflect.InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }
}
