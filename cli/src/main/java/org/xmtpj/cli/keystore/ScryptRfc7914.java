package org.xmtpj.cli.keystore;

import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.engines.Salsa20Engine;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.util.Pack;

/**
 * scrypt as RFC 7914 section 6 defines it, built from BouncyCastle's PBKDF2-HMAC-SHA256 and Salsa20/8 core.
 *
 * <p>It exists only because BouncyCastle's {@code SCrypt} rejects r=1 with n >= 2^16 (the RFC's advisory bound),
 * which the Web3 Secret Storage reference vector uses. The computation itself is well defined for those values:
 * Integerify reads the last 64-byte block little-endian and reduces it mod n, and with n <= 2^20 (enforced by
 * {@link Kdf.Scrypt}) the low 32 bits of that block are all that matter. Callers must validate n, r, p first.
 */
final class ScryptRfc7914 {
  private static final int SALSA_ROUNDS = 8;
  private static final int SALSA_WORDS = 16;

  private ScryptRfc7914() {}

  static byte[] derive(byte[] password, byte[] salt, int n, int r, int p, int dklen) {
    int blockBytes = 128 * r;
    int blockWords = 32 * r;
    byte[] b = pbkdf2Sha256(password, salt, p * blockBytes);
    int[] x = new int[blockWords];
    int[] v = new int[blockWords * n];
    int[] y = new int[blockWords];
    try {
      for (int i = 0; i < p; i++) {
        Pack.littleEndianToInt(b, i * blockBytes, x);
        roMix(x, y, v, n, r);
        Pack.intToLittleEndian(x, b, i * blockBytes);
      }
      return pbkdf2Sha256(password, b, dklen);
    } finally {
      // The intermediate state is as sensitive as the derived key.
      Arrays.fill(b, (byte) 0);
      Arrays.fill(x, 0);
      Arrays.fill(y, 0);
      Arrays.fill(v, 0);
    }
  }

  /** scryptROMix: fills v with n successive BlockMix states, then walks it at data-dependent indices. */
  private static void roMix(int[] x, int[] y, int[] v, int n, int r) {
    int words = x.length;
    int[] t = new int[SALSA_WORDS];
    int[] last = new int[SALSA_WORDS];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x, 0, v, i * words, words);
      blockMix(x, y, r, t, last);
      System.arraycopy(y, 0, x, 0, words);
    }
    for (int i = 0; i < n; i++) {
      int j = x[words - SALSA_WORDS] & (n - 1);
      int base = j * words;
      for (int k = 0; k < words; k++) {
        x[k] ^= v[base + k];
      }
      blockMix(x, y, r, t, last);
      System.arraycopy(y, 0, x, 0, words);
    }
  }

  /**
   * scryptBlockMix: chains Salsa20/8 over the 2r 64-byte blocks of {@code in}, writing the even-indexed outputs
   * to the first half of {@code out} and the odd-indexed ones to the second half.
   */
  private static void blockMix(int[] in, int[] out, int r, int[] t, int[] last) {
    System.arraycopy(in, in.length - SALSA_WORDS, last, 0, SALSA_WORDS);
    for (int i = 0; i < 2 * r; i++) {
      for (int k = 0; k < SALSA_WORDS; k++) {
        t[k] = last[k] ^ in[i * SALSA_WORDS + k];
      }
      Salsa20Engine.salsaCore(SALSA_ROUNDS, t, last);
      int destination = (i % 2 == 0 ? i / 2 : r + i / 2) * SALSA_WORDS;
      System.arraycopy(last, 0, out, destination, SALSA_WORDS);
    }
  }

  private static byte[] pbkdf2Sha256(byte[] password, byte[] salt, int length) {
    PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
    generator.init(password, salt, 1);
    return ((KeyParameter) generator.generateDerivedParameters(length * 8)).getKey();
  }
}
