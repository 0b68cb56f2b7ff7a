package org.xmtpj.crypto;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.math.ec.ECAlgorithms;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECMultiplier;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * secp256k1 ECDSA with public-key recovery, and ECDH, over raw byte arrays in the encodings XMTP and Ethereum use:
 * 32-byte big-endian private keys, 65-byte uncompressed public keys {@code 0x04‖X‖Y}, 32-byte message hashes and
 * 64-byte {@code r‖s} signatures.
 *
 * <p>The ECDSA arithmetic is written out here rather than taken from BouncyCastle's ECDSASigner because the signer
 * does not expose the nonce point, which is needed for the recovery id, and its verifier accepts high-S signatures,
 * which go-ethereum (and therefore the XMTP node) rejects.
 */
public final class Secp256k1 {
  public static final int PRIVATE_KEY_LENGTH = 32;
  public static final int PUBLIC_KEY_LENGTH = 65;
  public static final int HASH_LENGTH = 32;

  private static final X9ECParameters PARAMS = CustomNamedCurves.getByName("secp256k1");
  private static final ECCurve CURVE = PARAMS.getCurve();
  private static final ECPoint G = PARAMS.getG();
  private static final BigInteger N = PARAMS.getN();
  private static final BigInteger HALF_N = N.shiftRight(1);
  // The comb multiplier caches a precomputed table on G, which makes key derivation and signing several times
  // faster than a generic scalar multiplication.
  private static final ECMultiplier BASE_MULTIPLIER = new FixedPointCombMultiplier();

  private Secp256k1() {}

  /** A uniformly random private key: 32 bytes encoding a scalar in [1, n-1]. */
  public static byte[] generatePrivateKey(java.security.SecureRandom random) {
    while (true) {
      byte[] key = new byte[PRIVATE_KEY_LENGTH];
      random.nextBytes(key);
      BigInteger k = new BigInteger(1, key);
      if (k.signum() > 0 && k.compareTo(N) < 0) {
        return key;
      }
    }
  }

  /** Derives the 65-byte uncompressed public key of a 32-byte private key. */
  public static byte[] publicKeyUncompressed(byte[] privateKey) {
    BigInteger d = privateScalar(privateKey);
    return BASE_MULTIPLIER.multiply(G, d).normalize().getEncoded(false);
  }

  /**
   * Signs a 32-byte hash with a deterministic nonce (RFC 6979, HMAC-SHA256, no extra entropy), so the output is
   * identical to noble-secp256k1's and ethers' for the same key and hash. S is normalised to the lower half of the
   * group order, with the recovery id flipped to match.
   */
  public static RecoverableSignature sign(byte[] privateKey, byte[] hash) {
    BigInteger d = privateScalar(privateKey);
    requireHash(hash);
    BigInteger e = BigIntegers.fromUnsignedByteArray(hash);
    HMacDSAKCalculator nonces = new HMacDSAKCalculator(new SHA256Digest());
    nonces.init(N, d, hash);
    while (true) {
      BigInteger k = nonces.nextK();
      ECPoint noncePoint = BASE_MULTIPLIER.multiply(G, k).normalize();
      BigInteger x = noncePoint.getAffineXCoord().toBigInteger();
      // x >= n would need recovery ids 2/3, which XMTP cannot store; the chance is about 2^-128, so just take the
      // next nonce as RFC 6979 does for r = 0.
      if (x.compareTo(N) >= 0 || x.signum() == 0) {
        continue;
      }
      BigInteger s = BigIntegers.modOddInverse(N, k).multiply(e.add(d.multiply(x))).mod(N);
      if (s.signum() == 0) {
        continue;
      }
      int recoveryId = noncePoint.getAffineYCoord().testBitZero() ? 1 : 0;
      if (s.compareTo(HALF_N) > 0) {
        s = N.subtract(s);
        recoveryId ^= 1;
      }
      return new RecoverableSignature(encodeRs(x, s), recoveryId);
    }
  }

  /**
   * Recovers the signer's 65-byte public key (SEC 1 v2, section 4.1.6). Accepts high-S signatures, as ecrecover
   * does; throws {@link CryptoException} when no key can be recovered.
   */
  public static byte[] recoverPublicKey(byte[] hash, RecoverableSignature signature) {
    requireHash(hash);
    byte[] rs = signature.rs();
    BigInteger r = BigIntegers.fromUnsignedByteArray(rs, 0, 32);
    BigInteger s = BigIntegers.fromUnsignedByteArray(rs, 32, 32);
    if (!inScalarRange(r) || !inScalarRange(s)) {
      throw new CryptoException("cannot recover public key: r or s is zero or not below the group order");
    }
    ECPoint nonce = decompress(r, signature.recoveryId());
    BigInteger e = BigIntegers.fromUnsignedByteArray(hash).mod(N);
    BigInteger rInverse = BigIntegers.modOddInverse(N, r);
    // Q = r^-1 (s·R − e·G)
    BigInteger gFactor = N.subtract(e).multiply(rInverse).mod(N);
    BigInteger rFactor = s.multiply(rInverse).mod(N);
    ECPoint q = ECAlgorithms.sumOfTwoMultiplies(G, gFactor, nonce, rFactor).normalize();
    if (q.isInfinity()) {
      throw new CryptoException("cannot recover public key: signature yields the point at infinity");
    }
    return q.getEncoded(false);
  }

  /**
   * Verifies {@code r‖s} over a 32-byte hash. Rejects high-S signatures (as go-ethereum's VerifySignature does) and
   * returns false, never throwing, for malformed keys, hashes or signatures.
   */
  public static boolean verify(byte[] publicKey, byte[] hash, byte[] rs) {
    if (publicKey == null || hash == null || rs == null
        || publicKey.length != PUBLIC_KEY_LENGTH || publicKey[0] != 0x04
        || hash.length != HASH_LENGTH || rs.length != RecoverableSignature.LENGTH) {
      return false;
    }
    BigInteger r = BigIntegers.fromUnsignedByteArray(rs, 0, 32);
    BigInteger s = BigIntegers.fromUnsignedByteArray(rs, 32, 32);
    if (!inScalarRange(r) || s.signum() <= 0 || s.compareTo(HALF_N) > 0) {
      return false;
    }
    ECPoint q;
    try {
      q = CURVE.decodePoint(publicKey);
    } catch (RuntimeException e) {
      return false;
    }
    BigInteger e = BigIntegers.fromUnsignedByteArray(hash);
    BigInteger w = BigIntegers.modOddInverse(N, s);
    BigInteger u1 = e.multiply(w).mod(N);
    BigInteger u2 = r.multiply(w).mod(N);
    ECPoint point = ECAlgorithms.sumOfTwoMultiplies(G, u1, q, u2).normalize();
    return !point.isInfinity() && point.getAffineXCoord().toBigInteger().mod(N).equals(r);
  }

  /**
   * ECDH returning the whole shared point {@code 0x04‖X‖Y} (65 bytes). XMTP feeds the full point into its KDF, unlike
   * the X-only secret of the JDK's KeyAgreement.
   */
  public static byte[] ecdhPoint(byte[] privateKey, byte[] peerPublicKey) {
    BigInteger d = privateScalar(privateKey);
    ECPoint peer = decodePublicKey(peerPublicKey);
    ECPoint shared = peer.multiply(d).normalize();
    if (shared.isInfinity()) {
      throw new CryptoException("ECDH produced the point at infinity");
    }
    return shared.getEncoded(false);
  }

  private static ECPoint decodePublicKey(byte[] publicKey) {
    if (publicKey == null || publicKey.length != PUBLIC_KEY_LENGTH || publicKey[0] != 0x04) {
      throw new CryptoException("secp256k1 public key must be 65 bytes starting with 0x04");
    }
    try {
      return CURVE.decodePoint(publicKey);
    } catch (RuntimeException e) {
      throw new CryptoException("secp256k1 public key is not a point on the curve", e);
    }
  }

  private static ECPoint decompress(BigInteger x, int yParity) {
    byte[] encoded = new byte[33];
    encoded[0] = (byte) (0x02 + yParity);
    Bytes.writeUnsigned(x, encoded, 1, 32);
    try {
      return CURVE.decodePoint(encoded);
    } catch (RuntimeException e) {
      throw new CryptoException("cannot recover public key: r is not the X coordinate of a curve point", e);
    }
  }

  private static BigInteger privateScalar(byte[] privateKey) {
    if (privateKey == null || privateKey.length != PRIVATE_KEY_LENGTH) {
      throw new CryptoException("secp256k1 private key must be " + PRIVATE_KEY_LENGTH + " bytes");
    }
    BigInteger d = BigIntegers.fromUnsignedByteArray(privateKey);
    if (!inScalarRange(d)) {
      throw new CryptoException("secp256k1 private key must be in [1, n-1]");
    }
    return d;
  }

  private static void requireHash(byte[] hash) {
    if (hash == null || hash.length != HASH_LENGTH) {
      throw new CryptoException("message hash must be " + HASH_LENGTH + " bytes");
    }
  }

  private static boolean inScalarRange(BigInteger value) {
    return value.signum() > 0 && value.compareTo(N) < 0;
  }

  private static byte[] encodeRs(BigInteger r, BigInteger s) {
    byte[] rs = new byte[RecoverableSignature.LENGTH];
    Bytes.writeUnsigned(r, rs, 0, 32);
    Bytes.writeUnsigned(s, rs, 32, 32);
    return rs;
  }
}
