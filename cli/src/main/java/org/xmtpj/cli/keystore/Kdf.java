package org.xmtpj.cli.keystore;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.generators.SCrypt;
import org.bouncycastle.crypto.params.KeyParameter;
import org.xmtpj.cli.keystore.KeystoreException.Reason;

/**
 * The key derivation functions of Web3 Secret Storage v3. Parameters come from a file that may be hostile, so every
 * constructor enforces bounds before anything is derived: the cost of scrypt is chosen by whoever wrote the file,
 * and without a cap a few bytes of JSON could make us allocate gigabytes or spin for hours.
 */
sealed interface Kdf permits Kdf.Scrypt, Kdf.Pbkdf2 {
  /** The spec requires at least 32 bytes (16 for AES, 16 for the MAC); nothing uses more than 64. */
  int MIN_DKLEN = 32;
  int MAX_DKLEN = 64;
  /** Salts are 32 bytes in practice; the cap only keeps a silly file from being processed. */
  int MAX_SALT_BYTES = 256;

  /** The {@code kdf} field value. */
  String name();

  int dklen();

  byte[] salt();

  /** Derives {@link #dklen()} bytes from the UTF-8 passphrase. */
  byte[] derive(byte[] password);

  /** scrypt (RFC 7914). */
  record Scrypt(int n, int r, int p, int dklen, byte[] salt) implements Kdf {
    static final int MAX_N = 1 << 20;
    static final int MAX_R = 32;
    static final int MAX_P = 16;
    /**
     * scrypt holds 128·r·n bytes at once. 256 MiB admits geth's and our default (n=2^18, r=8) and nothing
     * bigger, so the worst file costs what the ordinary strong setting costs.
     */
    static final long MAX_MEMORY_BYTES = 256L << 20;
    /** n·r·p bounds the CPU time; 2^22 is twice the strong setting and the spec's own vector (2^18·1·8). */
    static final long MAX_WORK = 1L << 22;

    public Scrypt {
      checkCost(n, r, p);
      checkDklenAndSalt(dklen, salt);
    }

    static void checkCost(int n, int r, int p) {
      if (n < 2 || n > MAX_N || Integer.bitCount(n) != 1) {
        throw unsafe("scrypt n must be a power of two between 2 and 2^20, got " + n);
      }
      if (r < 1 || r > MAX_R) {
        throw unsafe("scrypt r must be between 1 and " + MAX_R + ", got " + r);
      }
      if (p < 1 || p > MAX_P) {
        throw unsafe("scrypt p must be between 1 and " + MAX_P + ", got " + p);
      }
      if (128L * r * n > MAX_MEMORY_BYTES) {
        throw unsafe("scrypt n=" + n + ", r=" + r + " would need " + (128L * r * n >> 20)
            + " MiB of memory; the limit is " + (MAX_MEMORY_BYTES >> 20) + " MiB");
      }
      if ((long) n * r * p > MAX_WORK) {
        throw unsafe("scrypt n·r·p = " + ((long) n * r * p) + " exceeds the work limit 2^22");
      }
    }

    @Override
    public String name() {
      return "scrypt";
    }

    @Override
    public byte[] derive(byte[] password) {
      // BouncyCastle applies RFC 7914's advisory "n < 2^(128·r/8)" and so refuses r=1 with n >= 2^16, which the
      // spec's own test vector (n=2^18, r=1, p=8) uses and geth and ethers accept. Only that case takes the local
      // implementation; everything we write (r=8) goes through BouncyCastle.
      if (r == 1 && n >= 1 << 16) {
        return ScryptRfc7914.derive(password, salt, n, r, p, dklen);
      }
      return SCrypt.generate(password, salt, n, r, p, dklen);
    }
  }

  /** PBKDF2 with HMAC-SHA256, the only PRF the spec defines; some older tools wrote it. */
  record Pbkdf2(int c, int dklen, byte[] salt) implements Kdf {
    /** Time only (PBKDF2 needs no memory); ten million HMACs take several seconds, 40x the spec's 262144. */
    static final int MAX_ITERATIONS = 10_000_000;

    public Pbkdf2 {
      if (c < 1 || c > MAX_ITERATIONS) {
        throw unsafe("pbkdf2 c must be between 1 and " + MAX_ITERATIONS + ", got " + c);
      }
      checkDklenAndSalt(dklen, salt);
    }

    @Override
    public String name() {
      return "pbkdf2";
    }

    @Override
    public byte[] derive(byte[] password) {
      PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA256Digest());
      generator.init(password, salt, c);
      return ((KeyParameter) generator.generateDerivedParameters(dklen * 8)).getKey();
    }
  }

  private static void checkDklenAndSalt(int dklen, byte[] salt) {
    if (dklen < MIN_DKLEN || dklen > MAX_DKLEN) {
      throw unsafe("kdf dklen must be between " + MIN_DKLEN + " and " + MAX_DKLEN + ", got " + dklen);
    }
    if (salt.length < 1 || salt.length > MAX_SALT_BYTES) {
      throw unsafe("kdf salt must be 1 to " + MAX_SALT_BYTES + " bytes, got " + salt.length);
    }
  }

  private static KeystoreException unsafe(String message) {
    return new KeystoreException(Reason.UNSAFE_PARAMETERS, message);
  }
}
