package org.xmtpj.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Secp256k1Test {
  private static final HexFormat HEX = HexFormat.of();
  private static final BigInteger N =
      new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);
  private static final byte[] KEY_ONE = HEX.parseHex("00".repeat(31) + "01");
  private static final byte[] HASH = Sha256.hash("message".getBytes(StandardCharsets.UTF_8));

  @Test
  void shouldDeriveGeneratorFromPrivateKeyOne() {
    assertThat(HEX.formatHex(Secp256k1.publicKeyUncompressed(KEY_ONE))).isEqualTo("04"
        + "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
        + "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8");
  }

  @Test
  void shouldMatchKnownRfc6979SignatureForSatoshiVector() {
    byte[] hash = Sha256.hash("Satoshi Nakamoto".getBytes(StandardCharsets.UTF_8));
    RecoverableSignature signature = Secp256k1.sign(KEY_ONE, hash);
    assertThat(HEX.formatHex(signature.rs())).isEqualTo(
        "934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
            + "2442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
  }

  @Test
  void shouldSignDeterministicallyAndRecoverSignerAcrossManyKeys() {
    Random random = new Random(42);
    for (int i = 0; i < 50; i++) {
      byte[] privateKey = new byte[32];
      random.nextBytes(privateKey);
      byte[] hash = Sha256.hash(privateKey);
      byte[] publicKey = Secp256k1.publicKeyUncompressed(privateKey);
      RecoverableSignature signature = Secp256k1.sign(privateKey, hash);
      assertThat(Secp256k1.sign(privateKey, hash)).isEqualTo(signature);
      assertThat(new BigInteger(1, Arrays.copyOfRange(signature.rs(), 32, 64))).isLessThanOrEqualTo(N.shiftRight(1));
      assertThat(Secp256k1.recoverPublicKey(hash, signature)).isEqualTo(publicKey);
      assertThat(Secp256k1.verify(publicKey, hash, signature.rs())).isTrue();
    }
  }

  @Test
  void shouldRejectHighSVariantInVerifyButStillRecoverFromIt() {
    byte[] privateKey = Sha256.hash("k".getBytes(StandardCharsets.UTF_8));
    byte[] publicKey = Secp256k1.publicKeyUncompressed(privateKey);
    RecoverableSignature low = Secp256k1.sign(privateKey, HASH);
    byte[] highRs = low.rs();
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(highRs, 32, 64));
    byte[] highS = N.subtract(s).toByteArray();
    Arrays.fill(highRs, 32, 64, (byte) 0);
    System.arraycopy(highS, highS.length - 32, highRs, 32, 32);

    assertThat(Secp256k1.verify(publicKey, HASH, highRs)).isFalse();
    RecoverableSignature high = new RecoverableSignature(highRs, low.recoveryId() ^ 1);
    assertThat(Secp256k1.recoverPublicKey(HASH, high)).isEqualTo(publicKey);
  }

  @Test
  void shouldReturnFalseForWrongHashKeyOrGarbageWithoutThrowing() {
    byte[] privateKey = Sha256.hash("k".getBytes(StandardCharsets.UTF_8));
    byte[] publicKey = Secp256k1.publicKeyUncompressed(privateKey);
    byte[] rs = Secp256k1.sign(privateKey, HASH).rs();
    byte[] otherHash = HASH.clone();
    otherHash[0] ^= 1;
    assertThat(Secp256k1.verify(publicKey, otherHash, rs)).isFalse();
    assertThat(Secp256k1.verify(Secp256k1.publicKeyUncompressed(KEY_ONE), HASH, rs)).isFalse();

    byte[] offCurve = publicKey.clone();
    offCurve[64] ^= 1;
    byte[] compressedPrefix = publicKey.clone();
    compressedPrefix[0] = 0x02;
    byte[] allFf = new byte[65];
    Arrays.fill(allFf, (byte) 0xff);
    allFf[0] = 0x04;
    assertThat(Secp256k1.verify(offCurve, HASH, rs)).isFalse();
    assertThat(Secp256k1.verify(compressedPrefix, HASH, rs)).isFalse();
    assertThat(Secp256k1.verify(allFf, HASH, rs)).isFalse();
    assertThat(Secp256k1.verify(new byte[65], HASH, rs)).isFalse();
    assertThat(Secp256k1.verify(publicKey, HASH, new byte[64])).isFalse();
    assertThat(Secp256k1.verify(publicKey, new byte[31], rs)).isFalse();
    assertThat(Secp256k1.verify(publicKey, HASH, Arrays.copyOf(rs, 65))).isFalse();
    assertThat(Secp256k1.verify(null, null, null)).isFalse();
  }

  @Test
  void shouldThrowCryptoExceptionWhenNoKeyCanBeRecovered() {
    // x = 5 is not the X coordinate of any secp256k1 point (5^3 + 7 = 132 is not a square mod p).
    byte[] rs = new byte[64];
    rs[31] = 5;
    rs[63] = 1;
    assertThatThrownBy(() -> Secp256k1.recoverPublicKey(HASH, new RecoverableSignature(rs, 0)))
        .isInstanceOf(CryptoException.class)
        .hasMessageContaining("cannot recover");
    assertThatThrownBy(() -> Secp256k1.recoverPublicKey(HASH, new RecoverableSignature(new byte[64], 0)))
        .isInstanceOf(CryptoException.class);
  }

  @Test
  void shouldRejectInvalidPrivateKeys() {
    assertThatThrownBy(() -> Secp256k1.publicKeyUncompressed(new byte[32])).isInstanceOf(CryptoException.class);
    byte[] n = N.toByteArray();
    assertThatThrownBy(() -> Secp256k1.publicKeyUncompressed(Arrays.copyOfRange(n, n.length - 32, n.length)))
        .isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> Secp256k1.sign(new byte[31], HASH)).isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> Secp256k1.sign(KEY_ONE, new byte[31])).isInstanceOf(CryptoException.class);
  }

  @Test
  void shouldProduceSymmetricFullEcdhPoint() {
    byte[] a = Sha256.hash("a".getBytes(StandardCharsets.UTF_8));
    byte[] b = Sha256.hash("b".getBytes(StandardCharsets.UTF_8));
    byte[] ab = Secp256k1.ecdhPoint(a, Secp256k1.publicKeyUncompressed(b));
    byte[] ba = Secp256k1.ecdhPoint(b, Secp256k1.publicKeyUncompressed(a));
    assertThat(ab).hasSize(65).isEqualTo(ba);
    assertThat(ab[0]).isEqualTo((byte) 0x04);
    // With private key 1 the shared point is the peer's public key itself.
    assertThat(Secp256k1.ecdhPoint(KEY_ONE, Secp256k1.publicKeyUncompressed(a)))
        .isEqualTo(Secp256k1.publicKeyUncompressed(a));
  }

  @Test
  void shouldRejectMalformedPeerKeyInEcdh() {
    byte[] peer = Secp256k1.publicKeyUncompressed(KEY_ONE);
    peer[64] ^= 1;
    assertThatThrownBy(() -> Secp256k1.ecdhPoint(KEY_ONE, peer)).isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> Secp256k1.ecdhPoint(KEY_ONE, new byte[33])).isInstanceOf(CryptoException.class);
  }

  @Test
  void shouldValidateRecoverableSignatureShape() {
    assertThatThrownBy(() -> new RecoverableSignature(new byte[63], 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 bytes");
    assertThatThrownBy(() -> new RecoverableSignature(new byte[64], 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 or 1");
    byte[] rs = new byte[64];
    RecoverableSignature signature = new RecoverableSignature(rs, 1);
    rs[0] = 1;
    assertThat(signature.rs()[0]).isZero();
  }

  @org.junit.jupiter.api.Test
  void shouldGeneratePrivateKeysThatDeriveAddresses() {
    var random = new java.security.SecureRandom();
    byte[] a = Secp256k1.generatePrivateKey(random);
    byte[] b = Secp256k1.generatePrivateKey(random);
    org.assertj.core.api.Assertions.assertThat(a).hasSize(32).isNotEqualTo(b);
    org.assertj.core.api.Assertions.assertThat(Ethereum.address(Secp256k1.publicKeyUncompressed(a)))
        .isNotEqualTo(Ethereum.address(Secp256k1.publicKeyUncompressed(b)));
  }
}
