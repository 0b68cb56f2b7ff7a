package org.xmtpj.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmtpj.crypto.Ed25519KeyPair;

/** One signature per batch, yet every event verifies on its own and no event can be moved or altered. */
class BatchSignatureTest {
  private final EventSigner signer = new EventSigner(Ed25519KeyPair.generate(new SecureRandom()));

  private List<SignedEvent> batch(int n) {
    List<EventSigner.Pending> pending = new ArrayList<>();
    TopicHeads heads = new TopicHeads(List.of());
    for (int i = 0; i < n; i++) {
      ClientEnvelope env = new ClientEnvelope("/xmtp/0/m-b/proto", i, ("m" + i).getBytes());
      EventSigner.Pending p = signer.prepare(TopicIds.of(env.contentTopic()), i + 1, 0, heads.chooseParents(),
          PayloadType.CLIENT_ENVELOPE, ClientEnvelopeCodec.encode(env));
      heads.add(p.id(), p.event().parents());
      pending.add(p);
    }
    return signer.signBatch(pending);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 100})
  void shouldVerifyEveryEventOfABatchOnItsOwn(int n) {
    List<SignedEvent> events = batch(n);
    for (SignedEvent e : events) {
      SignedEvent verified = EventVerifier.verify(e.encoded());
      assertThat(verified.id()).isEqualTo(e.id());
      assertThat(verified.proof().path()).hasSize(MerkleBatch.pathLength(e.proof().index(), n));
    }
    assertThat(events).extracting(e -> e.proof().signature()).allSatisfy(sig ->
        assertThat(sig).isEqualTo(events.get(0).proof().signature()));
  }

  @Test
  void shouldRejectEventWhenAnyPathEntryIsAltered() {
    SignedEvent e = batch(9).get(4);
    int bodyLength = EventCodec.encodeBody(e.event()).length;
    for (int entry = 0; entry < e.proof().path().size(); entry++) {
      byte[] bytes = e.encoded().clone();
      bytes[bodyLength + 5 + entry * 32 + 7] ^= 1;
      assertThatThrownBy(() -> EventVerifier.verify(bytes)).hasMessageContaining("bad signature");
    }
  }

  @Test
  void shouldRejectEventClaimingAnotherPositionInItsBatch() {
    List<SignedEvent> events = batch(8);
    SignedEvent first = events.get(0);
    SignedEvent second = events.get(1);
    // index 1 of 8 needs as many path entries as index 0, so only the signature check can catch the lie
    BatchProof moved = new BatchProof(8, 1, first.proof().path(), first.proof().signature());
    byte[] bytes = EventCodec.encode(first.event(), moved);
    assertThatThrownBy(() -> EventVerifier.verify(bytes)).hasMessageContaining("bad signature");
    assertThat(EventVerifier.verify(second.encoded()).proof().index()).isEqualTo(1);
  }

  @Test
  void shouldRejectEventSignedByAnotherOrigin() {
    SignedEvent e = batch(3).get(1);
    EventSigner other = new EventSigner(Ed25519KeyPair.generate(new SecureRandom()));
    SignedEvent forged = other.sign(e.event().topicId(), 1, 0, List.of(), PayloadType.CLIENT_ENVELOPE,
        e.event().payload());
    Event claimed = new Event(1, e.event().topicId(), e.event().origin(), 1, 0, List.of(),
        PayloadType.CLIENT_ENVELOPE, e.event().payload());
    byte[] bytes = EventCodec.encode(claimed, forged.proof());
    assertThatThrownBy(() -> EventVerifier.verify(bytes)).hasMessageContaining("bad signature");
  }

  @Test
  void shouldComputeRfc6962PathLengths() {
    assertThat(MerkleBatch.pathLength(0, 1)).isZero();
    assertThat(MerkleBatch.pathLength(0, 2)).isEqualTo(1);
    assertThat(MerkleBatch.pathLength(2, 3)).isEqualTo(1);
    assertThat(MerkleBatch.pathLength(0, 3)).isEqualTo(2);
    assertThat(MerkleBatch.pathLength(6, 7)).isEqualTo(2);
    assertThat(MerkleBatch.pathLength(0, 8)).isEqualTo(3);
  }
}
