package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.xmtpj.crypto.Sha256;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EnvelopeCursor;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.StoreBackends.Backend;

/**
 * What is served is what was written (ARCHITECTURE.md invariant 8): a stored row whose bytes no longer hash to its
 * id, or no longer decode, never leaves the store. It is quarantined instead (out of every read, out of the
 * vector's contiguous prefix, so that anti-entropy fetches it again) and the read that met it still answers with
 * the intact rows. Storing the event again heals it. Rows are damaged behind the store's back, through JDBC.
 */
class IntegrityConformanceTest {
  private static final String TOPIC = "/xmtp/0/m-integrity/proto";
  private final Map<TopicKey, TopicHeads> heads = new HashMap<>();
  private final TestOrigin origin = new TestOrigin(heads);

  @TempDir
  Path dir;

  static java.util.stream.Stream<Backend> backends() {
    return StoreBackends.all();
  }

  private List<StoredEvent> fill(EventStore store, int n) {
    List<StoredEvent> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      batch.add(origin.next(TOPIC, 1_000 + i, "message-" + i));
    }
    store.append(batch);
    return batch;
  }

  /** Flips one bit of the stored bytes of {@code id} at {@code offset} from the end (inside the payload or proof). */
  private static void flipBit(Backend backend, Path dir, EventId id, int offsetFromEnd) throws Exception {
    try (Connection c = DriverManager.getConnection(backend.url(dir))) {
      byte[] raw;
      try (PreparedStatement ps = c.prepareStatement("SELECT raw FROM events WHERE id = ?")) {
        ps.setBytes(1, id.bytes());
        try (var rs = ps.executeQuery()) {
          rs.next();
          raw = rs.getBytes(1);
        }
      }
      raw[raw.length - offsetFromEnd] ^= 0x10;
      rewrite(c, id, raw);
    }
  }

  private static void truncate(Backend backend, Path dir, EventId id) throws Exception {
    try (Connection c = DriverManager.getConnection(backend.url(dir))) {
      rewrite(c, id, new byte[] {1, 2, 3});
    }
  }

  private static void rewrite(Connection c, EventId id, byte[] raw) throws Exception {
    try (PreparedStatement ps = c.prepareStatement("UPDATE events SET raw = ? WHERE id = ?")) {
      ps.setBytes(1, raw);
      ps.setBytes(2, id.bytes());
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
  }

  private static List<ClientEnvelope> queryAll(EventStore store, int pageSize) {
    List<ClientEnvelope> all = new ArrayList<>();
    EnvelopeCursor cursor = null;
    do {
      EnvelopePage page = store.query(new EnvelopeQuery(List.of(TOPIC), 0, 0, SortDirection.ASCENDING, cursor,
          pageSize));
      all.addAll(page.envelopes());
      cursor = page.next();
    } while (cursor != null);
    return all;
  }

  private static List<ClientEnvelope> envelopes(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::envelope).toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldAnswerAQueryWithTheIntactRowsWhenOneRowNoLongerMatchesItsId(Backend backend) throws Exception {
    List<StoredEvent> stored;
    try (EventStore store = backend.open(dir)) {
      stored = fill(store, 12);
    }
    StoredEvent damaged = stored.get(4);
    flipBit(backend, dir, damaged.event().id(), 74); // inside the message, before the 69-byte proof
    List<StoredEvent> intact = new ArrayList<>(stored);
    intact.remove(damaged);
    try (EventStore store = backend.open(dir)) {
      assertThat(queryAll(store, 5)).as("pages of 5 carry on past the damaged row").isEqualTo(envelopes(intact));
      assertThat(store.readAfter(0, Set.of(TOPIC), 100)).extracting(StoredEnvelope::envelope)
          .isEqualTo(envelopes(intact));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldNeverReplicateARowThatNoLongerMatchesItsId(Backend backend) throws Exception {
    List<StoredEvent> stored;
    try (EventStore store = backend.open(dir)) {
      stored = fill(store, 8);
    }
    StoredEvent payloadFlip = stored.get(2);
    StoredEvent undecodable = stored.get(5);
    flipBit(backend, dir, payloadFlip.event().id(), 70);
    truncate(backend, dir, undecodable.event().id());
    List<byte[]> intact = stored.stream().filter(s -> s != payloadFlip && s != undecodable)
        .map(s -> s.event().encoded()).toList();
    List<EventId> ids = stored.stream().map(s -> s.event().id()).toList();
    try (EventStore store = backend.open(dir)) {
      assertSameBytes(store.events(ids), intact);
      assertSameBytes(store.originRange(origin.key(), 1, 100, Long.MAX_VALUE), intact);
      assertSameBytes(store.topicRange(TopicKey.of(TOPIC), 0, 100, Long.MAX_VALUE).stream()
          .map(RowEvent::raw).toList(), intact);
      assertThat(store.event(payloadFlip.event().id())).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldQuarantineARowWhoseBatchSignatureRottedWhenTheScrubChecksIt(Backend backend) throws Exception {
    List<StoredEvent> stored;
    try (EventStore store = backend.open(dir)) {
      stored = fill(store, 10);
    }
    StoredEvent rotted = stored.get(4);
    flipBit(backend, dir, rotted.event().id(), 10); // inside the 64-byte signature: the body and id still match
    try (EventStore store = backend.open(dir)) {
      assertThat(queryAll(store, 100)).as("clients still get the intact body").isEqualTo(envelopes(stored));
      long row = 0;
      while (row >= 0) {
        row = store.verifyStored(row, 3);
      }
      assertThat(store.quarantined(10)).containsExactly(rotted.event().id());
      assertThat(store.stats().events()).isEqualTo(9);
      store.append(List.of(rotted)); // a peer's intact copy
      assertThat(store.quarantined(10)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldCountAQuarantinedEventAsMissingUntilItIsStoredAgain(Backend backend) throws Exception {
    List<StoredEvent> stored;
    List<EventId> headsBefore;
    byte[][] bucketsBefore;
    try (EventStore store = backend.open(dir)) {
      stored = fill(store, 10);
      headsBefore = store.heads(TOPIC);
      bucketsBefore = store.fingerprintBuckets();
    }
    StoredEvent damaged = stored.get(3); // sequence 4
    StoredEvent head = stored.get(9); // the topic's only head, sequence 10
    flipBit(backend, dir, damaged.event().id(), 72);
    flipBit(backend, dir, head.event().id(), 75);
    try (EventStore store = backend.open(dir)) {
      assertThat(store.quarantined(10)).as("nothing read yet").isEmpty();
      assertThat(queryAll(store, 100)).hasSize(8);
      assertThat(store.quarantined(10)).containsExactlyInAnyOrder(damaged.event().id(), head.event().id());
      assertThat(store.existingIds(List.of(damaged.event().id(), head.event().id()))).isEmpty();
      assertThat(store.vector().get(origin.key())).as("contiguous stops before sequence 4")
          .isEqualTo(new OriginProgress(3, 10));
      assertThat(store.stats().events()).isEqualTo(8);
      assertThat(store.fingerprintBuckets()).as("heads and fingerprint unchanged: the peers' view")
          .isDeepEqualTo(bucketsBefore);
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.quarantined(10)).as("quarantine is durable").hasSize(2);
      store.append(List.of(damaged, head)); // what replication does once a peer sends them
      assertThat(store.quarantined(10)).isEmpty();
      assertThat(queryAll(store, 3)).isEqualTo(envelopes(stored));
      assertThat(store.vector().get(origin.key())).isEqualTo(new OriginProgress(10, 10));
      assertThat(store.heads(TOPIC)).isEqualTo(headsBefore);
      assertThat(store.fingerprintBuckets()).isDeepEqualTo(bucketsBefore);
      assertThat(store.stats().events()).isEqualTo(10);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldLeaveADamagedRowOutOfSubscriberCatchUpEvenWhenAWholePageIsDamaged(Backend backend)
      throws Exception {
    List<StoredEvent> stored;
    try (EventStore store = backend.open(dir)) {
      stored = fill(store, 6);
    }
    flipBit(backend, dir, stored.get(0).event().id(), 73);
    flipBit(backend, dir, stored.get(1).event().id(), 73);
    try (EventStore store = backend.open(dir)) {
      assertThat(store.readAfter(0, Set.of(TOPIC), 2)).as("the page after the damaged ones, not an empty page")
          .extracting(StoredEnvelope::envelope).isEqualTo(envelopes(stored.subList(2, 4)));
    }
  }

  private static void assertSameBytes(List<byte[]> actual, List<byte[]> expected) {
    assertThat(actual.stream().map(IntegrityConformanceTest::fingerprint).sorted().toList())
        .isEqualTo(expected.stream().map(IntegrityConformanceTest::fingerprint).sorted().toList());
  }

  /** Short enough to read in a failure: the length and SHA-256 prefix of the bytes. */
  private static String fingerprint(byte[] raw) {
    return raw.length + ":" + HexFormat.of().formatHex(Sha256.hash(raw), 0, 8);
  }
}
