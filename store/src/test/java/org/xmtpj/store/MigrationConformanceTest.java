package org.xmtpj.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xmtpj.dag.ClientEnvelope;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.SortDirection;
import org.xmtpj.dag.TopicHeads;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.store.StoreBackends.Backend;

/** A database created under V1 (client envelopes of the local origin only) opens under V2 on every backend. */
class MigrationConformanceTest {
  private static final String TOPIC = "/xmtp/0/m-migrated/proto";
  private static final String OTHER = "/xmtp/0/m-migrated-other/proto";
  private static final TopicKey KEY = TopicKey.of(TOPIC);
  private final Map<TopicKey, TopicHeads> heads = new HashMap<>();
  private final TestOrigin a = new TestOrigin(heads);

  @TempDir
  Path dir;

  static java.util.stream.Stream<Backend> backends() {
    return StoreBackends.all();
  }

  /** Writes the rows exactly as the V1 store did: local_seq as the key, topics by name, heads, counters. */
  private static void writeV1(String url, List<StoredEvent> events) throws SQLException {
    try (Connection c = DriverManager.getConnection(url);
        PreparedStatement topic = c.prepareStatement("INSERT INTO topics (name) VALUES (?)");
        PreparedStatement topicId = c.prepareStatement("SELECT id FROM topics WHERE name = ?");
        PreparedStatement origin = c.prepareStatement("INSERT INTO origins (origin_key) VALUES (?)");
        PreparedStatement originId = c.prepareStatement("SELECT id FROM origins WHERE origin_key = ?");
        PreparedStatement event = c.prepareStatement("INSERT INTO events"
            + " (local_seq, id, topic, ts, digest, origin, origin_seq, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement head = c.prepareStatement("DELETE FROM heads WHERE topic = ?");
        PreparedStatement newHead = c.prepareStatement("INSERT INTO heads (topic, id) VALUES (?, ?)");
        PreparedStatement counters = c.prepareStatement("UPDATE counters SET value = value + ? WHERE name = ?")) {
      long seq = 0;
      for (StoredEvent e : events) {
        long t = idOf(topic, topicId, e.envelope().contentTopic());
        byte[] key = e.event().event().origin();
        originId.setBytes(1, key);
        boolean known = originId.executeQuery().next();
        if (!known) {
          origin.setBytes(1, key);
          origin.executeUpdate();
        }
        long o = Sql.single(originId);
        Object[] values = {++seq, e.event().id().bytes(), t, e.envelope().timestampNs(), e.digest().bytes(), o,
            e.event().event().originSeq(), e.event().encoded()};
        for (int i = 0; i < values.length; i++) {
          event.setObject(i + 1, values[i]);
        }
        event.executeUpdate();
        head.setLong(1, t);
        head.executeUpdate();
        newHead.setLong(1, t);
        newHead.setBytes(2, e.event().id().bytes());
        newHead.executeUpdate();
        counters.setLong(1, 1);
        counters.setString(2, "events");
        counters.executeUpdate();
        counters.setLong(1, e.event().encoded().length);
        counters.setString(2, "payload_bytes");
        counters.executeUpdate();
      }
    }
  }

  private static long idOf(PreparedStatement insert, PreparedStatement select, String name) throws SQLException {
    select.setString(1, name);
    if (!select.executeQuery().next()) {
      insert.setString(1, name);
      insert.executeUpdate();
    }
    return Sql.single(select);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("backends")
  void shouldOpenAV1DatabaseWithItsEventsVisibleInHeadsInTheVectorAndInTopicSummaries(Backend backend)
      throws SQLException {
    String url = backend.url(dir);
    Flyway.configure().dataSource(url, null, null).locations(backend.migrations()).target("1").load().migrate();
    List<StoredEvent> v1 = List.of(a.next(TOPIC, 10, "one"), a.next(TOPIC, 20, "two"), a.next(OTHER, 5, "other"),
        a.next(TOPIC, 30, "three"));
    writeV1(url, v1);
    EventId last = v1.get(3).event().id();
    try (EventStore store = backend.open(dir)) {
      assertThat(store.query(new EnvelopeQuery(List.of(TOPIC, OTHER), 0, 0, SortDirection.ASCENDING, null, 10))
          .envelopes()).containsExactly(v1.get(2).envelope(), v1.get(0).envelope(), v1.get(1).envelope(),
              v1.get(3).envelope());
      assertThat(store.readAfter(0, null, 10)).extracting(StoredEnvelope::envelope)
          .containsExactlyElementsOf(v1.stream().map(StoredEvent::envelope).toList());
      assertThat(store.existingDigests(List.of(v1.get(1).digest()))).hasSize(1);
      assertThat(store.heads(KEY)).containsExactly(new Head(last, 0));
      assertThat(store.heads(OTHER)).containsExactly(v1.get(2).event().id());
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(4, 4)));
      assertThat(store.writerState(a.bytes())).isEqualTo(new WriterState(4, 4));
      assertThat(store.stats().events()).isEqualTo(4);
      assertThat(store.stats().topics()).isEqualTo(2);
      TopicSummary summary = store.topics(null, 10).stream().filter(t -> t.key().equals(KEY)).findFirst().get();
      assertThat(summary.name()).isEqualTo(TOPIC);
      assertThat(summary.events()).isEqualTo(3);
      assertThat(summary.headsHash()).isEqualTo(ReplicationConformanceTest.headsHash(KEY, last));
      byte[] bucket = new byte[32];
      store.topicsInBucket(KEY.bucket()).forEach(t -> {
        for (int i = 0; i < 32; i++) {
          bucket[i] ^= t.headsHash()[i];
        }
      });
      assertThat(store.fingerprintBuckets()[KEY.bucket()]).isEqualTo(bucket);
      assertThat(store.topicRange(KEY, 0, 10, Long.MAX_VALUE)).extracting(RowEvent::row).containsExactly(1L, 2L, 4L);
      assertThat(store.originRange(a.key(), 2, 10, Long.MAX_VALUE)).hasSize(3);
      AppendResult next = store.append(List.of(a.next(TOPIC, 40, "four")));
      assertThat(next.visible()).extracting(StoredEnvelope::localSeq).containsExactly(5L);
      assertThat(store.topicRange(KEY, 4, 10, Long.MAX_VALUE)).extracting(RowEvent::row).containsExactly(5L);
    }
    try (EventStore store = backend.open(dir)) {
      assertThat(store.vector()).containsExactly(Map.entry(a.key(), new OriginProgress(5, 5)));
      assertThat(store.readAfter(4, Set.of(TOPIC), 10)).extracting(StoredEnvelope::envelope)
          .extracting(ClientEnvelope::timestampNs).containsExactly(40L);
      assertThat(store.topics(null, 10)).filteredOn(t -> t.key().equals(KEY)).singleElement()
          .extracting(TopicSummary::events).isEqualTo(4L);
    }
  }
}
