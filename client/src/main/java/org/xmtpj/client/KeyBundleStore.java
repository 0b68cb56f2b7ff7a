package org.xmtpj.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.security.SecureRandom;
import org.xmtp.proto.message.contents.EncryptedPrivateKeyBundle;
import org.xmtp.proto.message.contents.EncryptedPrivateKeyBundleV1;
import org.xmtp.proto.message.contents.PrivateKeyBundle;

/**
 * The private key bundle as stored on the user's private-store topic: encrypted under the wallet's signature of
 * "Enable Identity" over a random 32-byte pre-key, so any device holding the wallet can recover it.
 */
final class KeyBundleStore {
  private KeyBundleStore() {}

  static byte[] encrypt(PrivateIdentity identity, Signer wallet, SecureRandom random) {
    byte[] walletPreKey = new byte[32];
    random.nextBytes(walletPreKey);
    byte[] secret = wallet.signPersonalMessage(KeySignatures.enableIdentityText(walletPreKey));
    KeySignatures.fromWallet(secret);
    return EncryptedPrivateKeyBundle.newBuilder()
        .setV1(EncryptedPrivateKeyBundleV1.newBuilder()
            .setWalletPreKey(ByteString.copyFrom(walletPreKey))
            .setCiphertext(Ciphertexts.seal(secret, identity.toBundle().toByteArray(), null, random)))
        .build().toByteArray();
  }

  /**
   * Decrypts a stored bundle. Wallets disagree on v (0/1 or 27/28), and the secret is the raw signature, so the
   * other encoding of v is tried when the first does not open.
   */
  static PrivateIdentity decrypt(byte[] message, Signer wallet) throws InvalidDataException {
    EncryptedPrivateKeyBundleV1 v1;
    try {
      EncryptedPrivateKeyBundle bundle = EncryptedPrivateKeyBundle.parseFrom(message);
      if (!bundle.hasV1()) {
        throw new InvalidDataException("unsupported encrypted key bundle version");
      }
      v1 = bundle.getV1();
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("encrypted key bundle does not decode", e);
    }
    if (v1.getWalletPreKey().size() != 32) {
      throw new InvalidDataException("wallet pre-key is not 32 bytes");
    }
    byte[] secret = wallet.signPersonalMessage(KeySignatures.enableIdentityText(v1.getWalletPreKey().toByteArray()));
    byte[] plain = openTryingBothV(v1, secret);
    try {
      return PrivateIdentity.fromBundle(PrivateKeyBundle.parseFrom(plain));
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("private key bundle does not decode", e);
    }
  }

  private static byte[] openTryingBothV(EncryptedPrivateKeyBundleV1 v1, byte[] secret) throws InvalidDataException {
    try {
      return Ciphertexts.open(v1.getCiphertext(), secret, null);
    } catch (InvalidDataException first) {
      byte[] other = secret.clone();
      int v = other[64] & 0xff;
      other[64] = (byte) (v >= 27 ? v - 27 : v + 27);
      try {
        return Ciphertexts.open(v1.getCiphertext(), other, null);
      } catch (InvalidDataException second) {
        throw new InvalidDataException("stored key bundle does not open with this wallet's signature");
      }
    }
  }
}
