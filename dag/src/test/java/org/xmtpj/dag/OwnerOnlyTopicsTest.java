package org.xmtpj.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.auth.AuthTokens;

/** The owner-only topic rule as every replica applies it to a received event (docs/replication.md §1.3). */
class OwnerOnlyTopicsTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long NOW_NS = 1_796_000_000_000_000_000L;
  private final EventSigner origin = new EventSigner(Ed25519KeyPair.generate(RANDOM));
  private final Wallet victim = new Wallet();
  private final Wallet other = new Wallet();

  @Test
  void shouldAcceptAnOwnersWriteThatCarriesItsToken() {
    String topic = privateStore(victim);
    SignedEvent e = authorized(topic, NOW_NS + 1_000, victim.token(NOW_NS));

    SignedEvent verified = EventVerifier.verify(e.encoded());

    assertThat(Payloads.envelope(verified.event()).contentTopic()).isEqualTo(topic);
    assertThat(new CachingVerifier(16).verify(e.encoded()).id()).isEqualTo(e.id());
  }

  @Test
  void shouldRefuseAPlainEnvelopeOnSomeoneElsesPrivateStoreDatedNearTheEndOfTime() {
    // the reported attack: a member origin writes junk onto the victim's private store, dated ~2^63
    SignedEvent e = plain(privateStore(victim), Long.MAX_VALUE - 1);

    assertThatThrownBy(() -> EventVerifier.verify(e.encoded())).isInstanceOf(OwnerRuleException.class)
        .hasMessageContaining("carries no authorization");
    assertThatThrownBy(() -> new CachingVerifier(16).verify(e.encoded())).isInstanceOf(OwnerRuleException.class);
  }

  @Test
  void shouldRefuseAContactWriteAuthorizedByAnotherWallet() {
    SignedEvent e = authorized(contact(victim), NOW_NS, other.token(NOW_NS));

    assertThatThrownBy(() -> EventVerifier.verify(e.encoded())).isInstanceOf(OwnerRuleException.class)
        .hasMessageContaining("belongs to " + victim.address);
  }

  @Test
  void shouldRefuseAnOwnersTokenReusedForAnEnvelopeDatedOutsideItsLifetime() {
    byte[] token = victim.token(NOW_NS);
    long late = NOW_NS + OwnedTopics.LATEST_AFTER_TOKEN_NS + 1;
    long early = NOW_NS - OwnedTopics.EARLIEST_BEFORE_TOKEN_NS - 1;

    for (long ts : new long[] {late, early, Long.MAX_VALUE, -5}) {
      SignedEvent e = authorized(privateStore(victim), ts, token);
      assertThatThrownBy(() -> EventVerifier.verify(e.encoded())).as("ts %d", ts)
          .isInstanceOf(OwnerRuleException.class).hasMessageContaining("outside its token's window");
    }
    EventVerifier.verify(authorized(privateStore(victim), NOW_NS + OwnedTopics.LATEST_AFTER_TOKEN_NS, token)
        .encoded());
  }

  @Test
  void shouldRefuseATamperedToken() {
    byte[] token = victim.token(NOW_NS);
    token[token.length - 3] ^= 1; // inside the auth data signature

    SignedEvent e = authorized(contact(victim), NOW_NS, token);

    assertThatThrownBy(() -> EventVerifier.verify(e.encoded())).isInstanceOf(OwnerRuleException.class)
        .hasMessageContaining("not a valid token");
  }

  @Test
  void shouldRefuseATokenOnAConversationTopicWhereNothingMayNameTheSender() {
    SignedEvent e = authorized("/xmtp/0/m-abcdef/proto", NOW_NS, victim.token(NOW_NS));

    assertThatThrownBy(() -> EventVerifier.verify(e.encoded())).isInstanceOf(OwnerRuleException.class)
        .hasMessageContaining("not an owner-only topic");
  }

  @Test
  void shouldKeepPlainEnvelopesOnOpenTopicsValid() {
    SignedEvent e = plain("/xmtp/0/invite-" + victim.address + "/proto", NOW_NS);

    assertThat(EventVerifier.verify(e.encoded()).id()).isEqualTo(e.id());
  }

  @Test
  void shouldReadTheOwnerFromTopicsWithSlashesAsNodeGoDoes() {
    assertThat(OwnedTopics.owner("/xmtp/0/privatestore-0xAb/key_bundle/proto")).isEqualTo("0xAb");
    assertThat(OwnedTopics.owner("/xmtp/0/contact-0xAb/proto")).isEqualTo("0xAb");
    assertThat(OwnedTopics.owner("/xmtp/0/contactx-0xAb/proto")).isNull();
    assertThat(OwnedTopics.owner("/xmtp/0/m-0xAb/proto")).isNull();
    assertThat(OwnedTopics.owner("/other/0/contact-0xAb/proto")).isNull();
  }

  @Test
  void shouldRefuseAnAuthorizedPayloadWithAnImpossibleTokenLength() {
    byte[] payload = AuthorizedEnvelopeCodec.encode(victim.token(NOW_NS),
        new ClientEnvelope(contact(victim), NOW_NS, "m".getBytes(StandardCharsets.UTF_8)));
    java.nio.ByteBuffer.wrap(payload).putInt(DagLimits.MAX_AUTHORIZATION_BYTES + 1);

    assertThatThrownBy(() -> AuthorizedEnvelopeCodec.decode(payload)).isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("bad authorization length");
  }

  private SignedEvent authorized(String topic, long ts, byte[] token) {
    ClientEnvelope env = new ClientEnvelope(topic, ts, "junk".getBytes(StandardCharsets.UTF_8));
    return origin.sign(TopicIds.of(topic), 1, TimeUnit.NANOSECONDS.toMillis(NOW_NS), List.of(),
        PayloadType.AUTHORIZED_ENVELOPE, AuthorizedEnvelopeCodec.encode(token, env));
  }

  private SignedEvent plain(String topic, long ts) {
    ClientEnvelope env = new ClientEnvelope(topic, ts, "junk".getBytes(StandardCharsets.UTF_8));
    return origin.sign(TopicIds.of(topic), 1, TimeUnit.NANOSECONDS.toMillis(NOW_NS), List.of(),
        PayloadType.CLIENT_ENVELOPE, ClientEnvelopeCodec.encode(env));
  }

  private static String privateStore(Wallet w) {
    return "/xmtp/0/privatestore-" + w.address + "/key_bundle/proto";
  }

  private static String contact(Wallet w) {
    return "/xmtp/0/contact-" + w.address + "/proto";
  }

  private static final class Wallet {
    final byte[] walletKey = Secp256k1.generatePrivateKey(RANDOM);
    final byte[] identityKey = Secp256k1.generatePrivateKey(RANDOM);
    final String address = Ethereum.address(Secp256k1.publicKeyUncompressed(walletKey));

    byte[] token(long createdNs) {
      String header = AuthTokens.create(walletKey, identityKey, createdNs / 1_000_000 - 60_000, createdNs);
      return Base64.getDecoder().decode(header.substring("Bearer ".length()));
    }
  }
}
