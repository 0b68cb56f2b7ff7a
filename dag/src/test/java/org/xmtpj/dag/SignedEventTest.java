package org.xmtpj.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.crypto.Ed25519KeyPair;

class SignedEventTest {
  private final EventSigner signer = new EventSigner(Ed25519KeyPair.generate(new SecureRandom()));
  private final ClientEnvelope envelope = new ClientEnvelope("/xmtp/0/m-abc/proto", 1_700_000_000_000_000_000L,
      new byte[] {1, 2, 3});

  private SignedEvent sign(List<EventId> parents) {
    return signer.sign(TopicIds.of(envelope.contentTopic()), 1, 1000, parents, PayloadType.CLIENT_ENVELOPE,
        ClientEnvelopeCodec.encode(envelope));
  }

  @Test
  void shouldVerifyEventItSigned() {
    SignedEvent signed = sign(List.of());
    SignedEvent verified = EventVerifier.verify(signed.encoded());
    assertThat(verified.id()).isEqualTo(signed.id());
    assertThat(ClientEnvelopeCodec.decode(verified.event().payload())).isEqualTo(envelope);
  }

  @Test
  void shouldProduceTheCanonicalEncodingWhenSigning() {
    SignedEvent signed = sign(List.of());
    assertThat(signed.encoded()).isEqualTo(EventCodec.encode(signed.event(), signed.proof()));
    assertThat(EventCodec.id(signed.event())).isEqualTo(signed.id());
  }

  @Test
  void shouldRejectEventWhenSignatureDoesNotMatch() {
    byte[] bytes = sign(List.of()).encoded();
    bytes[bytes.length - 1] ^= 1;
    assertThatThrownBy(() -> EventVerifier.verify(bytes)).hasMessageContaining("bad signature");
  }

  @Test
  void shouldRejectEventWhenBodyWasAlteredAfterSigning() {
    byte[] bytes = sign(List.of()).encoded();
    bytes[1 + 32 + 32 + 8 + 7] ^= 1; // created_at_ms
    assertThatThrownBy(() -> EventVerifier.verify(bytes)).hasMessageContaining("bad signature");
  }

  @Test
  void shouldRejectEventWhenTopicIdDoesNotMatchEnvelope() {
    SignedEvent other = signer.sign(TopicIds.of("/xmtp/0/other/proto"), 1, 1000, List.of(),
        PayloadType.CLIENT_ENVELOPE, ClientEnvelopeCodec.encode(envelope));
    assertThatThrownBy(() -> EventVerifier.verify(other.encoded())).hasMessageContaining("topic id");
  }

  @Test
  void shouldLinkHeadsAndReplaceThemWhenChildArrives() {
    TopicHeads heads = new TopicHeads(List.of());
    SignedEvent first = sign(heads.chooseParents());
    heads.add(first.id(), first.event().parents());
    SignedEvent second = sign(heads.chooseParents());
    heads.add(second.id(), second.event().parents());
    assertThat(second.event().parents()).containsExactly(first.id());
    assertThat(heads.snapshot()).containsExactly(second.id());
  }

  @Test
  void shouldChooseAtMostSixteenLowestHeadsAsParents() {
    java.util.Random rnd = new java.util.Random(11);
    java.util.List<EventId> many = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      byte[] b = new byte[32];
      rnd.nextBytes(b);
      many.add(new EventId(b));
    }
    List<EventId> parents = new TopicHeads(many).chooseParents();
    assertThat(parents).hasSize(DagLimits.MAX_PARENTS).isSorted()
        .isEqualTo(many.stream().sorted().limit(DagLimits.MAX_PARENTS).toList());
  }

  @Test
  void shouldRejectClientEnvelopeWithTrailingBytes() {
    byte[] payload = ClientEnvelopeCodec.encode(envelope);
    byte[] longer = java.util.Arrays.copyOf(payload, payload.length + 1);
    assertThatThrownBy(() -> ClientEnvelopeCodec.decode(longer)).isInstanceOf(MalformedEventException.class);
  }
}
