package org.xmtpj.client;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import org.xmtp.proto.message.contents.Ciphertext;
import org.xmtpj.crypto.AesGcm;
import org.xmtpj.crypto.CryptoException;
import org.xmtpj.crypto.Hkdf;

/** The one symmetric scheme of XMTP V2: AES-256-GCM under HKDF-SHA256(secret, random 32-byte salt). */
final class Ciphertexts {
  static final int SALT_LENGTH = 32;
  static final int NONCE_LENGTH = 12;
  static final int TAG_LENGTH = 16;
  private static final byte[] NO_INFO = new byte[0];

  private Ciphertexts() {}

  static Ciphertext seal(byte[] secret, byte[] plaintext, byte[] aad, SecureRandom random) {
    byte[] salt = new byte[SALT_LENGTH];
    byte[] nonce = new byte[NONCE_LENGTH];
    random.nextBytes(salt);
    random.nextBytes(nonce);
    byte[] key = Hkdf.sha256(secret, salt, NO_INFO, 32);
    byte[] payload = AesGcm.encrypt(key, nonce, plaintext, aad);
    return Ciphertext.newBuilder()
        .setAes256GcmHkdfSha256(Ciphertext.Aes256gcmHkdfsha256.newBuilder()
            .setHkdfSalt(ByteString.copyFrom(salt))
            .setGcmNonce(ByteString.copyFrom(nonce))
            .setPayload(ByteString.copyFrom(payload)))
        .build();
  }

  /** Opens a ciphertext; the shape checks are xmtp-js's, so both SDKs accept exactly the same inputs. */
  static byte[] open(Ciphertext ciphertext, byte[] secret, byte[] aad) throws InvalidDataException {
    if (!ciphertext.hasAes256GcmHkdfSha256()) {
      throw new InvalidDataException("unsupported ciphertext scheme");
    }
    Ciphertext.Aes256gcmHkdfsha256 c = ciphertext.getAes256GcmHkdfSha256();
    if (c.getHkdfSalt().size() != SALT_LENGTH) {
      throw new InvalidDataException("ciphertext salt is " + c.getHkdfSalt().size() + " bytes, want 32");
    }
    if (c.getGcmNonce().size() != NONCE_LENGTH) {
      throw new InvalidDataException("ciphertext nonce is " + c.getGcmNonce().size() + " bytes, want 12");
    }
    if (c.getPayload().size() < TAG_LENGTH) {
      throw new InvalidDataException("ciphertext payload is shorter than the GCM tag");
    }
    byte[] key = Hkdf.sha256(secret, c.getHkdfSalt().toByteArray(), NO_INFO, 32);
    try {
      return AesGcm.decrypt(key, c.getGcmNonce().toByteArray(), c.getPayload().toByteArray(), aad);
    } catch (CryptoException e) {
      throw new InvalidDataException("decryption failed (wrong key or tampered data)");
    }
  }
}
