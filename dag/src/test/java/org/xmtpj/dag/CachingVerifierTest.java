package org.xmtpj.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xmtpj.crypto.Ed25519KeyPair;

class CachingVerifierTest {
  private final EventSigner signer = new EventSigner(Ed25519KeyPair.generate(new java.security.SecureRandom()));

  private List<SignedEvent> batch(int n) {
    List<EventSigner.Pending> pending = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ClientEnvelope env = new ClientEnvelope("/xmtp/0/m-t/proto", 1_000 + i, ("m" + i).getBytes());
      pending.add(signer.prepare(TopicIds.of(env.contentTopic()), i + 1, 5, List.of(), PayloadType.CLIENT_ENVELOPE,
          ClientEnvelopeCodec.encode(env)));
    }
    return signer.signBatch(pending);
  }

  @Test
  void shouldCheckOneSignaturePerBatch() {
    CachingVerifier verifier = new CachingVerifier(100);
    for (SignedEvent e : batch(50)) {
      assertThat(verifier.verify(e.encoded()).id()).isEqualTo(e.id());
    }
    assertThat(verifier.signatureChecks()).isEqualTo(1);
  }

  @Test
  void shouldRejectTamperedEventEvenWhenItsBatchIsCached() {
    CachingVerifier verifier = new CachingVerifier(100);
    List<SignedEvent> events = batch(8);
    verifier.verify(events.get(0).encoded());
    byte[] tampered = events.get(1).encoded();
    tampered[tampered.length - 200] ^= 1; // inside the payload
    assertThatThrownBy(() -> verifier.verify(tampered)).isInstanceOf(MalformedEventException.class);
  }

  @Test
  void shouldRejectMergeEventWithPayload() {
    SignedEvent merge = signer.sign(TopicIds.of("/xmtp/0/m-t/proto"), 1, 5, List.of(), PayloadType.MERGE,
        new byte[] {1});
    assertThatThrownBy(() -> new CachingVerifier(10).verify(merge.encoded()))
        .isInstanceOf(MalformedEventException.class).hasMessageContaining("merge");
  }

  @Test
  void shouldNotChooseHiddenHeadAsParentUntilDue() {
    EventId visible = new EventId(new byte[32]);
    byte[] b = new byte[32];
    b[0] = 1;
    EventId future = new EventId(b);
    TopicHeads heads = new TopicHeads(List.of(visible, future), Map.of(future, 10_000L));
    assertThat(heads.chooseParents(9_999)).containsExactly(visible);
    assertThat(heads.chooseParents(10_000)).containsExactly(visible, future);
    assertThat(heads.size()).isEqualTo(2);
  }
}
