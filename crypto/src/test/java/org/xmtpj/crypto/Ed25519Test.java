package org.xmtpj.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Ed25519Test {
  private static final HexFormat HEX = HexFormat.of();
  // RFC 8032 section 7.1, TEST 1 (empty message).
  private static final byte[] RFC_SECRET =
      HEX.parseHex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  private static final byte[] RFC_PUBLIC =
      HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  private static final byte[] RFC_SIGNATURE = HEX.parseHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");

  @Test
  void shouldMatchRfc8032TestVector1() {
    Ed25519KeyPair keyPair = Ed25519KeyPair.fromPrivateKey(RFC_SECRET);
    assertThat(keyPair.publicKey()).isEqualTo(RFC_PUBLIC);
    assertThat(Ed25519.sign(RFC_SECRET, new byte[0])).isEqualTo(RFC_SIGNATURE);
    assertThat(Ed25519.sign(keyPair, new byte[0])).isEqualTo(RFC_SIGNATURE);
    assertThat(Ed25519.verify(RFC_PUBLIC, new byte[0], RFC_SIGNATURE)).isTrue();
  }

  @Test
  void shouldRoundTripGeneratedKeyAndRejectOtherMessage() {
    Ed25519KeyPair keyPair = Ed25519KeyPair.generate(new SecureRandom());
    byte[] message = "publish".getBytes(StandardCharsets.UTF_8);
    byte[] signature = Ed25519.sign(keyPair, message);
    assertThat(Ed25519.verify(keyPair.publicKey(), message, signature)).isTrue();
    assertThat(Ed25519.verify(keyPair.publicKey(), "other".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
  }

  @Test
  void shouldReturnFalseForTamperedOrMalformedInputWithoutThrowing() {
    byte[] tampered = RFC_SIGNATURE.clone();
    tampered[10] ^= 1;
    assertThat(Ed25519.verify(RFC_PUBLIC, new byte[0], tampered)).isFalse();
    assertThat(Ed25519.verify(RFC_PUBLIC, new byte[0], new byte[63])).isFalse();
    assertThat(Ed25519.verify(new byte[31], new byte[0], RFC_SIGNATURE)).isFalse();
    assertThat(Ed25519.verify(null, null, null)).isFalse();
    byte[] notAPoint = new byte[32];
    java.util.Arrays.fill(notAPoint, (byte) 0xff);
    assertThat(Ed25519.verify(notAPoint, new byte[0], RFC_SIGNATURE)).isFalse();
    byte[] sOutOfRange = RFC_SIGNATURE.clone();
    java.util.Arrays.fill(sOutOfRange, 32, 64, (byte) 0xff);
    assertThat(Ed25519.verify(RFC_PUBLIC, new byte[0], sOutOfRange)).isFalse();
  }

  @Test
  void shouldNotPrintPrivateKeyAndShouldValidateSizes() {
    Ed25519KeyPair keyPair = Ed25519KeyPair.fromPrivateKey(RFC_SECRET);
    assertThat(keyPair.toString()).contains(HEX.formatHex(RFC_PUBLIC)).doesNotContain(HEX.formatHex(RFC_SECRET));
    assertThat(keyPair).isEqualTo(Ed25519KeyPair.fromPrivateKey(RFC_SECRET.clone()));
    assertThatThrownBy(() -> Ed25519KeyPair.fromPrivateKey(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Ed25519.sign(new byte[31], new byte[0])).isInstanceOf(CryptoException.class);
  }
}
