package org.xmtpj.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xmtp.proto.message.contents.ContactBundle;
import org.xmtp.proto.message.contents.PrivatePreferencesAction;
import org.xmtp.proto.message.contents.PublicKey;
import org.xmtp.proto.message.contents.SealedInvitation;
import org.xmtp.proto.message.contents.SealedInvitationHeaderV1;
import org.xmtpj.crypto.TestVectors;

/** Every client-side crypto step against envelopes written by the real xmtp-js 13 client. */
class XmtpJsVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  static byte[] b64(String path) {
    return Base64.getDecoder().decode(TestVectors.get(path));
  }

  static long ts(String path) {
    return Long.parseLong(TestVectors.get(path));
  }

  static Signer wallet(String who) {
    return Signer.privateKey(TestVectors.hex(who + ".walletPrivateKey"));
  }

  /** A's keys rebuilt from its private keys and the key timestamps in its published contact. */
  static PrivateIdentity identityA() throws Exception {
    PublicKey id = ContactBundle.parseFrom(b64("A.contactV1Envelope.message")).getV1().getKeyBundle().getIdentityKey();
    PublicKey pre = ContactBundle.parseFrom(b64("A.contactV1Envelope.message")).getV1().getKeyBundle().getPreKey();
    return PrivateIdentity.fromKeys(wallet("A"), TestVectors.hex("A.identityPrivateKey"), id.getTimestamp(),
        TestVectors.hex("A.preKeyPrivateKey"), pre.getTimestamp());
  }

  /** B's keys rebuilt with the timestamps found in the invitation header A sealed for B. */
  static PrivateIdentity identityB() throws Exception {
    SealedInvitationHeaderV1 header = SealedInvitationHeaderV1.parseFrom(
        SealedInvitation.parseFrom(b64("invite.envelope.message")).getV1().getHeaderBytes());
    long idTs = PublicKey.parseFrom(header.getRecipient().getIdentityKey().getKeyBytes()).getTimestamp();
    long preTs = PublicKey.parseFrom(header.getRecipient().getPreKey().getKeyBytes()).getTimestamp();
    return PrivateIdentity.fromKeys(wallet("B"), TestVectors.hex("B.identityPrivateKey"), idTs,
        TestVectors.hex("B.preKeyPrivateKey"), preTs);
  }

  @Test
  void shouldReproduceBothContactBundlesByteForByte() throws Exception {
    PrivateIdentity a = identityA();
    assertThat(a.address()).isEqualTo(TestVectors.get("A.address"));
    assertThat(ContactBundles.v1(a)).isEqualTo(b64("A.contactV1Envelope.message"));
    assertThat(ContactBundles.v2(a)).isEqualTo(b64("A.contactV2Envelope.message"));
    assertThat(Topics.contact(a.address())).isEqualTo(TestVectors.get("A.contactV1Envelope.contentTopic"));
  }

  @Test
  void shouldVerifyContactBundlesWrittenByXmtpJs() throws Exception {
    ContactBundles.Contact v1 = ContactBundles.read(b64("A.contactV1Envelope.message"));
    ContactBundles.Contact v2 = ContactBundles.read(b64("A.contactV2Envelope.message"));
    assertThat(v1.v2()).isFalse();
    assertThat(v2.v2()).isTrue();
    assertThat(v1.keys().address()).isEqualTo(TestVectors.get("A.address"));
    assertThat(v2.keys().address()).isEqualTo(TestVectors.get("A.address"));
    assertThat(v1.keys().preKey()).isEqualTo(v2.keys().preKey());
  }

  @Test
  void shouldRejectContactBundleWithTamperedPreKey() {
    byte[] message = b64("A.contactV2Envelope.message");
    message[message.length - 40] ^= 1;
    assertThatThrownBy(() -> ContactBundles.read(message)).isInstanceOf(InvalidDataException.class);
  }

  @Test
  void shouldOpenPrivateStoreBundleWithTheWalletsEnableSignature() throws Exception {
    PrivateIdentity loaded = KeyBundleStore.decrypt(b64("A.privateStoreEnvelope.message"), wallet("A"));
    assertThat(loaded.address()).isEqualTo(TestVectors.get("A.address"));
    assertThat(loaded.identityPrivate()).isEqualTo(TestVectors.hex("A.identityPrivateKey"));
    assertThat(loaded.preKeyPrivate()).isEqualTo(TestVectors.hex("A.preKeyPrivateKey"));
    assertThat(Topics.privateStore(loaded.address())).isEqualTo(TestVectors.get("A.privateStoreEnvelope.contentTopic"));
  }

  @Test
  void shouldRefusePrivateStoreBundleForAnotherWallet() {
    assertThatThrownBy(() -> KeyBundleStore.decrypt(b64("A.privateStoreEnvelope.message"), wallet("B")))
        .isInstanceOf(InvalidDataException.class).hasMessageContaining("does not open");
  }

  @Test
  void shouldReproduceThreeDhSecretTopicAndKeyMaterialFromBothSides() throws Exception {
    PrivateIdentity a = identityA();
    PrivateIdentity b = identityB();
    byte[] fromA = ThreeDh.secret(a, b.identityPublicKey(), b.preKeyPublicKey(), true);
    byte[] fromB = ThreeDh.secret(b, a.identityPublicKey(), a.preKeyPublicKey(), false);
    assertThat(HEX.formatHex(fromA)).isEqualTo(TestVectors.get("invite.secret3dh"));
    assertThat(fromB).isEqualTo(fromA);
    var invitation = Invitations.create(a, ContactBundles.verify(b.signedBundle()), null, java.util.Map.of());
    assertThat(invitation.getTopic()).isEqualTo(TestVectors.get("invite.topic"));
    assertThat(HEX.formatHex(invitation.getAes256GcmHkdfSha256().getKeyMaterial().toByteArray()))
        .isEqualTo(TestVectors.get("invite.keyMaterial"));
  }

  @Test
  void shouldOpenInvitationSealedByXmtpJs() throws Exception {
    Invitations.Opened opened = Invitations.open(identityB(), b64("invite.envelope.message"),
        ts("invite.envelope.timestampNs"));
    assertThat(opened.topic()).isEqualTo(TestVectors.get("invite.topic"));
    assertThat(HEX.formatHex(opened.keyMaterial())).isEqualTo(TestVectors.get("invite.keyMaterial"));
    assertThat(opened.peerAddress()).isEqualTo(TestVectors.get("A.address"));
    assertThat(opened.createdNs()).isEqualTo(ts("invite.envelope.timestampNs"));
  }

  @Test
  void shouldRejectInvitationWhoseEnvelopeTimestampWasRewritten() {
    assertThatThrownBy(() -> Invitations.open(identityB(), b64("invite.envelope.message"),
        ts("invite.envelope.timestampNs") + 1)).hasMessageContaining("timestamp mismatch");
  }

  @Test
  void shouldDecryptAndVerifyMessageSentByXmtpJs() throws Exception {
    DecodedMessage m = MessagesV2.decode(TestVectors.get("invite.topic"), TestVectors.hex("invite.keyMaterial"),
        b64("message.envelope.message"), TestVectors.get("B.address"), TestVectors.get("A.address"));
    assertThat(m.text()).isEqualTo(TestVectors.get("message.plaintext"));
    assertThat(m.id()).isEqualTo(TestVectors.get("message.id"));
    assertThat(m.senderAddress()).isEqualTo(TestVectors.get("A.address"));
    assertThat(m.sentNs()).isEqualTo(ts("message.envelope.timestampNs"));
  }

  @Test
  void shouldDeriveTheSenderHmacKeyOfTheMessagesThirtyDayPeriod() {
    long sentMs = ts("message.envelope.timestampNs") / 1_000_000;
    assertThat(sentMs / (30L * 24 * 3600 * 1000)).isEqualTo(Long.parseLong(TestVectors.get("message.thirtyDayPeriod")));
    assertThat(HEX.formatHex(MessagesV2.hmacKey(TestVectors.hex("invite.keyMaterial"), sentMs,
        TestVectors.get("A.address")))).isEqualTo(TestVectors.get("message.hmacKey"));
  }

  @Test
  void shouldRejectMessageDecryptedUnderAnotherConversationsTopic() {
    assertThatThrownBy(() -> MessagesV2.decode("/xmtp/0/m-" + "0".repeat(64) + "/proto",
        TestVectors.hex("invite.keyMaterial"), b64("message.envelope.message"), TestVectors.get("B.address"),
        TestVectors.get("A.address"))).hasMessageContaining("another topic");
  }

  @Test
  void shouldRejectMessageFromSomeoneOutsideTheConversation() {
    assertThatThrownBy(() -> MessagesV2.decode(TestVectors.get("invite.topic"), TestVectors.hex("invite.keyMaterial"),
        b64("message.envelope.message"), TestVectors.get("B.address"), "0x0000000000000000000000000000000000000001"))
        .hasMessageContaining("not a party");
  }

  @Test
  void shouldDeriveUserPreferencesTopicAndOpenTheConsentAction() throws Exception {
    PrivateIdentity b = identityB();
    assertThat(ConsentCodec.topic(b)).isEqualTo(TestVectors.get("B.userPreferencesTopic"));
    PrivatePreferencesAction action = ConsentCodec.open(b, b64("B.userPreferencesEnvelope.message"));
    assertThat(action.hasDenyAddress()).isTrue();
    assertThat(action.getDenyAddress().getWalletAddressesList()).containsExactly(TestVectors.get("A.address"));
  }

  @Test
  void shouldReproduceTheAuthTokenXmtpJsSent() throws Exception {
    String header = AuthTokenFactory.token(identityA(), ts("A.authToken.createdNs"));
    assertThat(header).isEqualTo("Bearer " + TestVectors.get("A.authToken.base64"));
  }

  @Test
  void shouldRoundTripSealedInvitationAndMessageBetweenJavaIdentities() throws Exception {
    SecureRandom random = new SecureRandom();
    PrivateIdentity a = identityA();
    PrivateIdentity b = identityB();
    var invitation = Invitations.create(a, ContactBundles.verify(b.signedBundle()), "conv/1", java.util.Map.of("k", "v"));
    byte[] sealed = Invitations.seal(a, ContactBundles.verify(b.signedBundle()), invitation, 42L, random);
    Invitations.Opened atB = Invitations.open(b, sealed, 42L);
    Invitations.Opened atA = Invitations.open(a, sealed, 42L);
    assertThat(atB.topic()).isEqualTo(atA.topic()).isNotEqualTo(TestVectors.get("invite.topic"));
    assertThat(atB.conversationId()).isEqualTo("conv/1");
    assertThat(atB.metadata()).containsEntry("k", "v");
    assertThat(atB.peerAddress()).isEqualTo(a.address());
    assertThat(atA.peerAddress()).isEqualTo(b.address());
    byte[] msg = MessagesV2.encode(a, atA.topic(), atA.keyMaterial(),
        ContentCodec.encode(Content.text("hello"), SendOptions.Compression.GZIP), 7_000_000L, true, random);
    DecodedMessage decoded = MessagesV2.decode(atB.topic(), atB.keyMaterial(), msg, b.address(), a.address());
    assertThat(decoded.text()).isEqualTo("hello");
    assertThat(decoded.senderAddress()).isEqualTo(a.address());
  }
}
