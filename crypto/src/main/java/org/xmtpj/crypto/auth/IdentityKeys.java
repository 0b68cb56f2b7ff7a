package org.xmtpj.crypto.auth;

import com.google.protobuf.ByteString;
import java.util.HexFormat;
import org.xmtp.proto.message.contents.PublicKey;

/** The parts of the legacy (V1) identity key that token creation and validation must build identically. */
final class IdentityKeys {
  private static final String CREATE_IDENTITY_PREFIX = "XMTP : Create Identity\n";
  private static final String SIGNATURE_TEXT_SUFFIX = "\n\nFor more info: https://xmtp.org/signatures/";

  private IdentityKeys() {}

  /**
   * {@code PublicKey{timestamp, secp256k1_uncompressed}} with no signature. Protobuf-java writes fields in number
   * order and omits a zero timestamp, which is byte-for-byte what protobufjs produces in xmtp-js.
   */
  static byte[] unsignedKeyBytes(long timestampMs, ByteString publicKey) {
    return unsignedKey(timestampMs, publicKey).toByteArray();
  }

  static PublicKey unsignedKey(long timestampMs, ByteString publicKey) {
    return PublicKey.newBuilder()
        .setTimestamp(timestampMs)
        .setSecp256K1Uncompressed(PublicKey.Secp256k1Uncompressed.newBuilder().setBytes(publicKey))
        .build();
  }

  /** The text a wallet signs (EIP-191) to vouch for an identity key. */
  static String createIdentityText(byte[] unsignedKeyBytes) {
    return CREATE_IDENTITY_PREFIX + HexFormat.of().formatHex(unsignedKeyBytes) + SIGNATURE_TEXT_SUFFIX;
  }
}
