package org.xmtpj.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

class EventCodecPropertyTest {

  /** Events built from a seed so that shrinking stays meaningful and every failure is reproducible. */
  private static Gen<Event> events() {
    return longs().all().zip(integers().between(0, DagLimits.MAX_PARENTS), integers().between(0, 300),
        (seed, parentCount, payloadLength) -> randomEvent(new Random(seed), parentCount, payloadLength));
  }

  static Event randomEvent(Random rnd, int parentCount, int payloadLength) {
    TreeSet<EventId> parents = new TreeSet<>();
    while (parents.size() < parentCount) {
      parents.add(new EventId(bytes(rnd, 32)));
    }
    long seq = 1 + (rnd.nextLong() & Long.MAX_VALUE) % Long.MAX_VALUE;
    int type = rnd.nextBoolean() ? PayloadType.CLIENT_ENVELOPE : PayloadType.MERGE;
    return new Event(Event.VERSION, bytes(rnd, 32), bytes(rnd, 32), seq, rnd.nextLong(), new ArrayList<>(parents),
        type, bytes(rnd, payloadLength));
  }

  /** A structurally valid proof (its signature is random: the codec does not verify, the verifier does). */
  static BatchProof randomProof(Random rnd) {
    int size = 1 + rnd.nextInt(300);
    int index = rnd.nextInt(size);
    List<byte[]> path = new ArrayList<>();
    for (int i = 0; i < MerkleBatch.pathLength(index, size); i++) {
      path.add(bytes(rnd, 32));
    }
    return new BatchProof(size, index, path, bytes(rnd, 64));
  }

  private static byte[] encode(Event e) {
    return EventCodec.encode(e, randomProof(new Random(java.util.Arrays.hashCode(e.payload()))));
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }

  @Test
  void shouldDecodeWhatItEncodes() {
    qt().withExamples(2_000).forAll(events(), longs().all()).check((e, seed) -> {
      BatchProof proof = randomProof(new Random(seed));
      SignedEvent decoded = EventCodec.decode(EventCodec.encode(e, proof));
      return decoded.event().equals(e) && decoded.proof().equals(proof) && decoded.id().equals(EventCodec.id(e));
    });
  }

  @Test
  void shouldEncodeDifferentEventsToDifferentBytes() {
    qt().withExamples(2_000).forAll(events(), events())
        .check((a, b) -> a.equals(b) == Arrays.equals(EventCodec.encodeBody(a), EventCodec.encodeBody(b)));
  }

  @Test
  void shouldGiveDifferentIdsWhenOnlyTheFieldBoundaryMoves() {
    // the classic concatenation collision: moving one byte from the end of one field to the start of the next
    Random rnd = new Random(7);
    Event a = randomEvent(rnd, 0, 10);
    byte[] shifted = Arrays.copyOf(a.payload(), 9);
    Event b = new Event(a.version(), a.topicId(), a.origin(), a.originSeq(), a.createdAtMs(), a.parents(),
        a.payloadType(), shifted);
    assertThat(EventCodec.id(a)).isNotEqualTo(EventCodec.id(b));
  }

  @Test
  void shouldChangeIdWhenAnySingleBodyByteChanges() {
    qt().withExamples(300).forAll(events(), integers().between(0, Integer.MAX_VALUE)).check((e, pick) -> {
      byte[] body = EventCodec.encodeBody(e);
      byte[] mutated = body.clone();
      mutated[pick % body.length] ^= 0x01;
      return !EventCodec.idOfBody(body).equals(EventCodec.idOfBody(mutated));
    });
  }

  @Test
  void shouldRejectTrailingBytes() {
    Event e = randomEvent(new Random(1), 2, 5);
    byte[] bytes = Arrays.copyOf(encode(e), encode(e).length + 1);
    assertThatThrownBy(() -> EventCodec.decode(bytes)).isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("trailing");
  }

  @Test
  void shouldRejectTruncatedEventsAtEveryLength() {
    byte[] full = encode(randomEvent(new Random(2), 3, 20));
    for (int n = 0; n < full.length; n++) {
      byte[] cut = Arrays.copyOf(full, n);
      assertThatThrownBy(() -> EventCodec.decode(cut)).isInstanceOf(MalformedEventException.class);
    }
  }

  @Test
  void shouldRejectUnsortedParents() {
    Event e = randomEvent(new Random(3), 2, 5);
    byte[] bytes = encode(e);
    int firstParent = 1 + 32 + 32 + 8 + 8 + 2;
    byte[] swapped = bytes.clone();
    System.arraycopy(bytes, firstParent + 32, swapped, firstParent, 32);
    System.arraycopy(bytes, firstParent, swapped, firstParent + 32, 32);
    assertThatThrownBy(() -> EventCodec.decode(swapped)).hasMessageContaining("strictly ascending");
  }

  @Test
  void shouldRejectDuplicateParents() {
    Event e = randomEvent(new Random(4), 2, 5);
    byte[] bytes = encode(e);
    int firstParent = 1 + 32 + 32 + 8 + 8 + 2;
    System.arraycopy(bytes, firstParent, bytes, firstParent + 32, 32);
    assertThatThrownBy(() -> EventCodec.decode(bytes)).hasMessageContaining("strictly ascending");
  }

  @Test
  void shouldRejectTooManyParents() {
    Event e = randomEvent(new Random(5), 0, 0);
    byte[] bytes = encode(e);
    bytes[1 + 32 + 32 + 8 + 8] = 0;
    bytes[1 + 32 + 32 + 8 + 8 + 1] = 17;
    assertThatThrownBy(() -> EventCodec.decode(bytes)).hasMessageContaining("17 parents exceed");
    List<EventId> seventeen = new ArrayList<>(new TreeSet<>(randomEvent(new Random(6), 16, 0).parents()));
    seventeen.add(new EventId(filled((byte) 0xff)));
    Event tooWide = new Event(1, e.topicId(), e.origin(), 1, 0, seventeen, PayloadType.MERGE, new byte[0]);
    assertThatThrownBy(() -> EventCodec.encodeBody(tooWide)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRejectOversizePayloadLength() {
    Event e = randomEvent(new Random(8), 0, 4);
    byte[] bytes = encode(e);
    int payloadLengthAt = 1 + 32 + 32 + 8 + 8 + 2 + 2;
    java.nio.ByteBuffer.wrap(bytes).putInt(payloadLengthAt, DagLimits.MAX_PAYLOAD_BYTES + 1);
    assertThatThrownBy(() -> EventCodec.decode(bytes)).hasMessageContaining("exceeds");
  }

  @Test
  void shouldRejectUnknownVersionAndPayloadType() {
    byte[] bytes = encode(randomEvent(new Random(9), 0, 4));
    byte[] badVersion = bytes.clone();
    badVersion[0] = 2;
    assertThatThrownBy(() -> EventCodec.decode(badVersion)).hasMessageContaining("version");
    byte[] badType = bytes.clone();
    badType[1 + 32 + 32 + 8 + 8 + 2 + 1] = 99;
    assertThatThrownBy(() -> EventCodec.decode(badType)).hasMessageContaining("payload type");
  }

  @Test
  void shouldRejectProofWhosePathLengthDoesNotFitItsPosition() {
    Event e = randomEvent(new Random(12), 1, 3);
    BatchProof proof = new BatchProof(5, 4, List.of(new byte[32]), new byte[64]); // 4 of 5 needs 1 entry
    byte[] ok = EventCodec.encode(e, proof);
    assertThat(EventCodec.decode(ok).proof()).isEqualTo(proof);
    byte[] body = EventCodec.encodeBody(e);
    byte[] bad = ok.clone();
    bad[body.length + 4] = 2; // claims two path entries
    assertThatThrownBy(() -> EventCodec.decode(bad)).isInstanceOf(MalformedEventException.class);
    byte[] outside = ok.clone();
    outside[body.length + 3] = 5; // index 5 of 5
    assertThatThrownBy(() -> EventCodec.decode(outside)).hasMessageContaining("bad batch position");
  }

  private static byte[] filled(byte b) {
    byte[] out = new byte[32];
    Arrays.fill(out, b);
    return out;
  }
}
