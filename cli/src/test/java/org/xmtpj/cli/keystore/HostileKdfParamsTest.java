package org.xmtpj.cli.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xmtpj.cli.keystore.KeystoreException.Reason;
import org.xmtpj.cli.keystore.WalletKeystore.ScryptParams;

/**
 * A keystore file chooses its own KDF cost, so a hostile one could ask for gigabytes of memory or hours of CPU.
 * Each must be refused before any derivation starts, which the timeout checks: running any of these would take
 * far longer than it allows, or exhaust the heap.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HostileKdfParamsTest {
  @ParameterizedTest(name = "n={0} r={1} p={2} dklen={3}")
  @CsvSource({
      "1000,       8, 1,  32, power of two",          // n not a power of two
      "0,          8, 1,  32, power of two",
      "2097152,    1, 1,  32, power of two between 2 and 2^20", // n = 2^21
      "1048576,    8, 1,  32, MiB of memory",          // n = 2^20 with r = 8 would need 1 GiB
      "262144,   256, 1,  32, r must be between",      // 8 GiB
      "1024,       0, 1,  32, r must be between",
      "1024,       8, 1000, 32, p must be between",
      "1024,       8, 0,  32, p must be between",
      "262144,     8, 16, 32, work limit",             // 256 MiB but 16x the CPU time of the strong setting
      "4096,       8, 1,  16, dklen must be between",   // too short for AES key + MAC key
      "4096,       8, 1, 4096, dklen must be between",
  })
  void shouldRejectHostileScryptParamsBeforeDeriving(long n, long r, long p, long dklen, String reason) {
    String json = Vectors.SPEC_SCRYPT.replace("\"dklen\" : 32,", "\"dklen\" : " + dklen + ",")
        .replace("\"n\" : 262144,", "\"n\" : " + n + ",").replace("\"r\" : 1,", "\"r\" : " + r + ",")
        .replace("\"p\" : 8,", "\"p\" : " + p + ",");

    assertUnsafe(json, reason);
  }

  @Test
  void shouldRejectScryptParamsBeyondIntRange() {
    assertUnsafe(Vectors.SPEC_SCRYPT.replace("262144", "1099511627776"), "out of range");
    assertUnsafe(Vectors.SPEC_SCRYPT.replace("262144", "99999999999999999999999"), "out of range");
  }

  @Test
  void shouldRejectAnAbsurdPbkdf2IterationCount() {
    assertUnsafe(Vectors.SPEC_PBKDF2.replace("262144", "2000000000"), "pbkdf2 c must be between");
    assertUnsafe(Vectors.SPEC_PBKDF2.replace("262144", "0"), "pbkdf2 c must be between");
  }

  @Test
  void shouldRejectTheSameCostsWhenChosenForWriting() {
    assertThatThrownBy(() -> new ScryptParams(1000, 8, 1)).hasMessageContaining("power of two");
    assertThatThrownBy(() -> new ScryptParams(1 << 20, 8, 1)).hasMessageContaining("memory");
    assertThat(new ScryptParams(1 << 12, 8, 1).n()).isEqualTo(4096);
  }

  @Test
  void shouldAcceptTheParametersRealToolsWrite() {
    // geth standard and light, ethers' default, and the spec vector all stay within bounds.
    new Kdf.Scrypt(1 << 18, 8, 1, 32, new byte[32]);
    new Kdf.Scrypt(1 << 12, 8, 6, 32, new byte[32]);
    new Kdf.Scrypt(1 << 17, 8, 1, 32, new byte[32]);
    new Kdf.Scrypt(1 << 18, 1, 8, 32, new byte[32]);
    new Kdf.Pbkdf2(262144, 32, new byte[32]);
  }

  private static void assertUnsafe(String json, String reason) {
    assertThatThrownBy(() -> WalletKeystore.decrypt(json, "x".toCharArray()))
        .isInstanceOfSatisfying(KeystoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNSAFE_PARAMETERS))
        .hasMessageContaining(reason);
  }
}
