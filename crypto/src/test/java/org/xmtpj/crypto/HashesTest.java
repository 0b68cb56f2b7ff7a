package org.xmtpj.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HashesTest {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldHashEmptyInputWithKeccakNotSha3() {
    assertThat(HEX.formatHex(Keccak256.hash(new byte[0])))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
    assertThat(HEX.formatHex(Keccak256.hash()))
        .isEqualTo("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  }

  @Test
  void shouldHashConcatenationOfPartsWithKeccak() {
    assertThat(HEX.formatHex(Keccak256.hash(utf8("abc"))))
        .isEqualTo("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
    assertThat(Keccak256.hash(utf8("a"), utf8("bc"))).isEqualTo(Keccak256.hash(utf8("abc")));
  }

  @Test
  void shouldMatchSha256KnownAnswerAndConcatenateParts() {
    assertThat(HEX.formatHex(Sha256.hash(utf8("abc"))))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(Sha256.hash(utf8("ab"), new byte[0], utf8("c"))).isEqualTo(Sha256.hash(utf8("abc")));
  }

  @Test
  void shouldMatchHmacSha256Rfc4231TestCase2() {
    assertThat(HEX.formatHex(Hmac.sha256(utf8("Jefe"), utf8("what do ya want "), utf8("for nothing?"))))
        .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  }

  @Test
  void shouldTreatEmptyHmacKeyAsZeroKey() {
    assertThat(Hmac.sha256(new byte[0], utf8("x"))).isEqualTo(Hmac.sha256(new byte[32], utf8("x")));
  }

  @Test
  void shouldMatchHkdfRfc5869TestCase1() {
    byte[] ikm = HEX.parseHex("0b".repeat(22));
    byte[] salt = HEX.parseHex("000102030405060708090a0b0c");
    byte[] info = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertThat(HEX.formatHex(Hkdf.sha256(ikm, salt, info, 42)))
        .isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
  }

  @Test
  void shouldMatchHkdfRfc5869TestCase3WithoutSaltOrInfo() {
    byte[] ikm = HEX.parseHex("0b".repeat(22));
    String expected = "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8";
    assertThat(HEX.formatHex(Hkdf.sha256(ikm, new byte[0], new byte[0], 42))).isEqualTo(expected);
    assertThat(HEX.formatHex(Hkdf.sha256(ikm, null, null, 42))).isEqualTo(expected);
  }

  @Test
  void shouldRejectHkdfLengthBeyondRfcLimit() {
    assertThatThrownBy(() -> Hkdf.sha256(new byte[1], null, null, 255 * 32 + 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length");
  }
}
