package org.xmtpj.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Reproduces values the real xmtp-js client derived (section 6 of xmtp-v2-wire.md) from the vectors' keys. */
class XmtpVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] secret3dh() {
    // A's address sorts first, so A is L and B is H.
    byte[] lowerPre = TestVectors.hex("A.preKeyPrivateKey");
    byte[] lowerIdentity = TestVectors.hex("A.identityPrivateKey");
    byte[] higherPre = Secp256k1.publicKeyUncompressed(TestVectors.hex("B.preKeyPrivateKey"));
    byte[] higherIdentity = Secp256k1.publicKeyUncompressed(TestVectors.hex("B.identityPrivateKey"));
    return Bytes.concat(
        Secp256k1.ecdhPoint(lowerPre, higherIdentity),
        Secp256k1.ecdhPoint(lowerIdentity, higherPre),
        Secp256k1.ecdhPoint(lowerPre, higherPre));
  }

  @Test
  void shouldReproduceInvitationThreeDhSecretFromVectorKeys() {
    assertThat(TestVectors.get("invite.lowerAddress")).isEqualTo(TestVectors.get("A.address"));
    assertThat(TestVectors.get("invite.higherAddress")).isEqualTo(TestVectors.get("B.address"));
    assertThat(HEX.formatHex(secret3dh())).isEqualTo(TestVectors.get("invite.secret3dh"));
  }

  @Test
  void shouldReproduceInvitationTopicAndKeyMaterial() {
    byte[] secret = TestVectors.hex("invite.secret3dh");
    String lower = TestVectors.get("invite.lowerAddress");
    String higher = TestVectors.get("invite.higherAddress");
    String topic = "/xmtp/0/m-" + HEX.formatHex(Hmac.sha256(secret, utf8(lower + "," + higher))) + "/proto";
    assertThat(topic).isEqualTo(TestVectors.get("invite.topic"));
    byte[] keyMaterial =
        Hkdf.sha256(secret, utf8("__XMTP__INVITATION__SALT__XMTP__"), utf8("0|" + lower + "|" + higher), 32);
    assertThat(HEX.formatHex(keyMaterial)).isEqualTo(TestVectors.get("invite.keyMaterial"));
  }

  @Test
  void shouldReproduceMessageIdAndSenderHmacKey() {
    byte[] envelopeMessage = Base64.getDecoder().decode(TestVectors.get("message.envelope.message"));
    assertThat(HEX.formatHex(Sha256.hash(envelopeMessage))).isEqualTo(TestVectors.get("message.id"));
    String info = TestVectors.get("message.thirtyDayPeriod") + "-" + TestVectors.get("A.address");
    byte[] hmacKey = Hkdf.sha256(TestVectors.hex("invite.keyMaterial"), new byte[0], utf8(info), 32);
    assertThat(HEX.formatHex(hmacKey)).isEqualTo(TestVectors.get("message.hmacKey"));
  }

  @Test
  void shouldReproduceUserPreferencesTopic() {
    byte[] identity = TestVectors.hex("B.identityPrivateKey");
    byte[] derived = Hkdf.sha256(identity, utf8("XMTP_PRIVATE_PREFERENCES_TOPIC"), new byte[0], 32);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.hash(derived));
    assertThat("/xmtp/0/userpreferences-" + id + "/proto").isEqualTo(TestVectors.get("B.userPreferencesTopic"));
  }
}
