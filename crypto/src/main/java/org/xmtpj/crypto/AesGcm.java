package org.xmtpj.crypto;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** AES-256-GCM with a 96-bit nonce and a 128-bit tag appended to the ciphertext, as XMTP's Ciphertext uses it. */
public final class AesGcm {
  public static final int KEY_LENGTH = 32;
  public static final int NONCE_LENGTH = 12;
  public static final int TAG_LENGTH = 16;

  private AesGcm() {}

  /** Returns ciphertext followed by the 16-byte tag. {@code aad} may be null. */
  public static byte[] encrypt(byte[] key, byte[] nonce, byte[] plaintext, byte[] aad) {
    try {
      return cipher(Cipher.ENCRYPT_MODE, key, nonce, aad).doFinal(plaintext);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("AES-GCM encryption failed: " + e.getMessage(), e);
    }
  }

  /** Decrypts ciphertext-with-tag; throws {@link CryptoException} if the tag, key or AAD do not match. */
  public static byte[] decrypt(byte[] key, byte[] nonce, byte[] ciphertextWithTag, byte[] aad) {
    if (ciphertextWithTag == null || ciphertextWithTag.length < TAG_LENGTH) {
      throw new CryptoException("AES-GCM ciphertext must hold at least the " + TAG_LENGTH + "-byte tag");
    }
    try {
      return cipher(Cipher.DECRYPT_MODE, key, nonce, aad).doFinal(ciphertextWithTag);
    } catch (AEADBadTagException e) {
      throw new CryptoException("AES-GCM authentication failed: wrong key, nonce or AAD, or tampered data", e);
    } catch (GeneralSecurityException e) {
      throw new CryptoException("AES-GCM decryption failed: " + e.getMessage(), e);
    }
  }

  private static Cipher cipher(int mode, byte[] key, byte[] nonce, byte[] aad) throws GeneralSecurityException {
    if (key == null || key.length != KEY_LENGTH) {
      throw new CryptoException("AES-256-GCM key must be " + KEY_LENGTH + " bytes");
    }
    if (nonce == null || nonce.length != NONCE_LENGTH) {
      throw new CryptoException("AES-GCM nonce must be " + NONCE_LENGTH + " bytes");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
    if (aad != null && aad.length > 0) {
      cipher.updateAAD(aad);
    }
    return cipher;
  }
}
