package org.xmtpj.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import org.xmtp.proto.message.contents.PrivatePreferencesAction;
import org.xmtp.proto.message.contents.PrivatePreferencesPayload;
import org.xmtpj.crypto.Hkdf;
import org.xmtpj.crypto.Sha256;

/**
 * The private preferences (consent) topic: its name and payloads are derived from the identity private key, so only
 * the owner can find and read them (the same derivation as libxmtp's user-preferences module used by xmtp-js).
 */
final class ConsentCodec {
  private static final byte[] TOPIC_SALT = "XMTP_PRIVATE_PREFERENCES_TOPIC".getBytes(StandardCharsets.UTF_8);
  private static final byte[] KEY_SALT = "XMTP_PRIVATE_PREFERENCES_ENCRYPTION".getBytes(StandardCharsets.UTF_8);

  private ConsentCodec() {}

  static String topic(PrivateIdentity me) {
    byte[] derived = Hkdf.sha256(me.identityPrivate(), TOPIC_SALT, new byte[0], 32);
    String id = Base64.getUrlEncoder().withoutPadding().encodeToString(Sha256.hash(derived));
    return Topics.userPreferences(id);
  }

  static byte[] seal(PrivateIdentity me, PrivatePreferencesAction action, SecureRandom random) {
    return PrivatePreferencesPayload.newBuilder()
        .setV1(Ciphertexts.seal(key(me), action.toByteArray(), me.identityPublicKey(), random))
        .build().toByteArray();
  }

  static PrivatePreferencesAction open(PrivateIdentity me, byte[] message) throws InvalidDataException {
    try {
      PrivatePreferencesPayload payload = PrivatePreferencesPayload.parseFrom(message);
      if (!payload.hasV1()) {
        throw new InvalidDataException("not a v1 preferences payload");
      }
      return PrivatePreferencesAction.parseFrom(Ciphertexts.open(payload.getV1(), key(me), me.identityPublicKey()));
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("preferences payload does not decode", e);
    }
  }

  private static byte[] key(PrivateIdentity me) {
    return Hkdf.sha256(me.identityPrivate(), KEY_SALT, new byte[0], 32);
  }
}
