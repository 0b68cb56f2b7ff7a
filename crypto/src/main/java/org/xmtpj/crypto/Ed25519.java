package org.xmtpj.crypto;

/**
 * Ed25519 (RFC 8032, pure) on BouncyCastle's low-level implementation, which is about ten times faster than the
 * JDK's EdDSA provider and works on raw 32/64-byte arrays without key-spec conversions.
 */
public final class Ed25519 {
  public static final int PRIVATE_KEY_LENGTH = 32;
  public static final int PUBLIC_KEY_LENGTH = 32;
  public static final int SIGNATURE_LENGTH = 64;

  static {
    // Builds the fixed-base tables once per JVM; otherwise the first sign/verify on a hot path pays for it.
    org.bouncycastle.math.ec.rfc8032.Ed25519.precompute();
  }

  private Ed25519() {}

  /** Signs with a bare private key; derives the public key on each call, so prefer {@link #sign(Ed25519KeyPair, byte[])}. */
  public static byte[] sign(byte[] privateKey, byte[] message) {
    requireLength(privateKey, PRIVATE_KEY_LENGTH, "private key");
    byte[] signature = new byte[SIGNATURE_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(privateKey, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /** Signs with a key pair, reusing its public key instead of re-deriving it (roughly halves the cost). */
  public static byte[] sign(Ed25519KeyPair keyPair, byte[] message) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.sign(
        keyPair.privateKey(), 0, keyPair.publicKey(), 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /** Returns false, never throwing, for a wrong signature or malformed key, signature or message. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null || message == null || signature == null
        || publicKey.length != PUBLIC_KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      return org.bouncycastle.math.ec.rfc8032.Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
    } catch (RuntimeException e) {
      return false;
    }
  }

  static byte[] publicKey(byte[] privateKey) {
    byte[] publicKey = new byte[PUBLIC_KEY_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePublicKey(privateKey, 0, publicKey, 0);
    return publicKey;
  }

  private static void requireLength(byte[] value, int length, String what) {
    if (value == null || value.length != length) {
      throw new CryptoException("Ed25519 " + what + " must be " + length + " bytes");
    }
  }
}
