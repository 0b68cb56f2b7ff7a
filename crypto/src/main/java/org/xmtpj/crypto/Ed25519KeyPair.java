package org.xmtpj.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An Ed25519 key pair: 32-byte private seed and 32-byte public key. Build it with {@link #generate} or
 * {@link #fromPrivateKey}, which guarantee the two halves match; the constructor only checks sizes.
 */
public record Ed25519KeyPair(byte[] privateKey, byte[] publicKey) {

  public Ed25519KeyPair {
    if (privateKey == null || privateKey.length != Ed25519.PRIVATE_KEY_LENGTH) {
      throw new IllegalArgumentException("Ed25519 private key must be " + Ed25519.PRIVATE_KEY_LENGTH + " bytes");
    }
    if (publicKey == null || publicKey.length != Ed25519.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("Ed25519 public key must be " + Ed25519.PUBLIC_KEY_LENGTH + " bytes");
    }
    privateKey = privateKey.clone();
    publicKey = publicKey.clone();
  }

  public static Ed25519KeyPair generate(SecureRandom random) {
    byte[] privateKey = new byte[Ed25519.PRIVATE_KEY_LENGTH];
    org.bouncycastle.math.ec.rfc8032.Ed25519.generatePrivateKey(random, privateKey);
    return fromPrivateKey(privateKey);
  }

  public static Ed25519KeyPair fromPrivateKey(byte[] privateKey) {
    if (privateKey == null || privateKey.length != Ed25519.PRIVATE_KEY_LENGTH) {
      throw new IllegalArgumentException("Ed25519 private key must be " + Ed25519.PRIVATE_KEY_LENGTH + " bytes");
    }
    return new Ed25519KeyPair(privateKey, Ed25519.publicKey(privateKey));
  }

  @Override
  public byte[] privateKey() {
    return privateKey.clone();
  }

  @Override
  public byte[] publicKey() {
    return publicKey.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Ed25519KeyPair other
        && Arrays.equals(privateKey, other.privateKey)
        && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  /** Never prints the private key: key pairs end up in log lines through records that contain them. */
  @Override
  public String toString() {
    return "Ed25519KeyPair[publicKey=" + HexFormat.of().formatHex(publicKey) + "]";
  }
}
