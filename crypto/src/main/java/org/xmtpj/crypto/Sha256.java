package org.xmtpj.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 through the JDK provider. */
public final class Sha256 {
  public static final int DIGEST_LENGTH = 32;

  // Cloning a prototype skips the provider lookup of MessageDigest.getInstance and, unlike a ThreadLocal,
  // does not pin an instance to each of possibly millions of virtual threads.
  private static final MessageDigest PROTOTYPE = newDigest();
  private static final boolean CLONEABLE = isCloneable();

  private Sha256() {}

  /** Hashes the concatenation of {@code parts}. */
  public static byte[] hash(byte[]... parts) {
    MessageDigest digest = CLONEABLE ? cloneDigest() : newDigest();
    for (byte[] part : parts) {
      digest.update(part);
    }
    return digest.digest();
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK must provide SHA-256", e);
    }
  }

  private static MessageDigest cloneDigest() {
    try {
      return (MessageDigest) PROTOTYPE.clone();
    } catch (CloneNotSupportedException e) {
      return newDigest();
    }
  }

  private static boolean isCloneable() {
    try {
      PROTOTYPE.clone();
      return true;
    } catch (CloneNotSupportedException e) {
      return false;
    }
  }
}
