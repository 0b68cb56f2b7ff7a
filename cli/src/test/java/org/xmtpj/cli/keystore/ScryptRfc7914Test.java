package org.xmtpj.cli.keystore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fallback scrypt used only where BouncyCastle refuses (r=1, n >= 2^16) must agree with RFC 7914. */
class ScryptRfc7914Test {
  @Test
  void shouldMatchRfc7914TestVectors() {
    // RFC 7914 section 12, first two vectors.
    assertThat(hex(ScryptRfc7914.derive(new byte[0], new byte[0], 16, 1, 1, 64))).isEqualTo(
        "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442"
            + "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
    assertThat(hex(ScryptRfc7914.derive("password".getBytes(UTF_8), "NaCl".getBytes(UTF_8), 1024, 8, 16, 64)))
        .isEqualTo("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b373162"
            + "2eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
  }

  @ParameterizedTest(name = "n={0} r={1} p={2}")
  @CsvSource({"2, 1, 1", "1024, 1, 3", "4096, 2, 2", "256, 8, 1", "32768, 1, 1"})
  void shouldAgreeWithBouncyCastleWhereBouncyCastleAcceptsTheParameters(int n, int r, int p) {
    byte[] password = "pass phrase".getBytes(UTF_8);
    byte[] salt = HexFormat.of().parseHex("0011223344556677");

    assertThat(ScryptRfc7914.derive(password, salt, n, r, p, 32))
        .isEqualTo(SCrypt.generate(password, salt, n, r, p, 32));
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
