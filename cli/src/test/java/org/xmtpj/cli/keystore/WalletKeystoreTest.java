package org.xmtpj.cli.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xmtpj.cli.keystore.KeystoreException.Reason;
import org.xmtpj.cli.keystore.WalletKeystore.ScryptParams;
import org.yaml.snakeyaml.Yaml;

class WalletKeystoreTest {
  /** Light parameters keep the tests fast; the format is identical to the strong ones. */
  static final ScryptParams FAST = new ScryptParams(1 << 12, 8, 1);
  private static final HexFormat HEX = HexFormat.of();
  private static final char[] PASSPHRASE = "hunter2 but longer".toCharArray();

  private final SecureRandom random = new SecureRandom();

  @Test
  void shouldDecryptWhatItEncrypts() {
    byte[] key = HEX.parseHex(Vectors.ETHERS_PRIVATE_KEY);

    String json = WalletKeystore.encrypt(key, PASSPHRASE, FAST, random);

    assertThat(WalletKeystore.decrypt(json, PASSPHRASE)).isEqualTo(key);
  }

  @Test
  void shouldWriteTheV3LayoutWithLowercaseAddressAndRandomUuid() {
    String json = WalletKeystore.encrypt(HEX.parseHex(Vectors.ETHERS_PRIVATE_KEY), PASSPHRASE, FAST, random);

    Map<?, ?> doc = new Yaml().load(json);
    assertThat(doc.get("version")).isEqualTo(3);
    assertThat(doc.get("address")).isEqualTo(Vectors.ETHERS_ADDRESS.substring(2).toLowerCase());
    assertThat((String) doc.get("id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    Map<?, ?> crypto = (Map<?, ?>) doc.get("crypto");
    assertThat(crypto.get("cipher")).isEqualTo("aes-128-ctr");
    assertThat(crypto.get("kdf")).isEqualTo("scrypt");
    Map<?, ?> kdfparams = (Map<?, ?>) crypto.get("kdfparams");
    assertThat(List.of(kdfparams.get("n"), kdfparams.get("r"), kdfparams.get("p"), kdfparams.get("dklen")))
        .containsExactly(4096, 8, 1, 32);
    assertThat((String) kdfparams.get("salt")).matches("[0-9a-f]{64}");
    assertThat((String) crypto.get("mac")).matches("[0-9a-f]{64}");
  }

  @Test
  void shouldDefaultToTheStrongScryptParameters() {
    assertThat(ScryptParams.STRONG).isEqualTo(new ScryptParams(1 << 18, 8, 1));
  }

  @Test
  void shouldRejectWrongPassphraseWithAClearMessage() {
    String json = WalletKeystore.encrypt(HEX.parseHex(Vectors.ETHERS_PRIVATE_KEY), PASSPHRASE, FAST, random);

    assertThatThrownBy(() -> WalletKeystore.decrypt(json, "hunter3 but longer".toCharArray()))
        .isInstanceOfSatisfying(KeystoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE))
        .hasMessageContaining("wrong passphrase");
  }

  @Test
  void shouldDecryptTheSpecScryptVector() {
    // n=2^18 with r=1 is the case BouncyCastle refuses, so this also exercises ScryptRfc7914 end to end.
    byte[] key = WalletKeystore.decrypt(Vectors.SPEC_SCRYPT, Vectors.SPEC_PASSWORD.toCharArray());

    assertThat(HEX.formatHex(key)).isEqualTo(Vectors.SPEC_PRIVATE_KEY);
  }

  @Test
  void shouldDecryptTheSpecPbkdf2VectorEvenWhenTabIndented() {
    byte[] key = WalletKeystore.decrypt(Vectors.SPEC_PBKDF2, Vectors.SPEC_PASSWORD.toCharArray());

    assertThat(HEX.formatHex(key)).isEqualTo(Vectors.SPEC_PRIVATE_KEY);
  }

  @Test
  void shouldLeftPadTheShortKeysOldGethWrote() {
    byte[] key = WalletKeystore.decrypt(Vectors.GETH_31_BYTE_KEY, "foo".toCharArray());

    assertThat(HEX.formatHex(key)).isEqualTo(Vectors.GETH_31_BYTE_PRIVATE_KEY);
  }

  @Test
  void shouldDecryptAFileWrittenByEthersWithItsDefaults() {
    byte[] key = WalletKeystore.decrypt(Vectors.ETHERS_DEFAULT, Vectors.ETHERS_PASSWORD.toCharArray());

    assertThat(HEX.formatHex(key)).isEqualTo(Vectors.ETHERS_PRIVATE_KEY);
    assertThat(WalletKeystore.address(Vectors.ETHERS_DEFAULT)).hasValue(Vectors.ETHERS_ADDRESS);
  }

  @Test
  void shouldNormalisePassphrasesToNfkcLikeEthers() {
    byte[] key = WalletKeystore.decrypt(Vectors.ETHERS_NFKC, Vectors.ETHERS_NFKC_PASSWORD.toCharArray());

    assertThat(HEX.formatHex(key)).isEqualTo(Vectors.ETHERS_PRIVATE_KEY);
  }

  @Test
  void shouldStillOpenFilesWhoseNonAsciiPassphraseWasNotNormalised() {
    // geth hashes the raw UTF-8; the decomposed "a" + U+0308 differs from its NFKC form (precomposed U+00E4).
    char[] decomposed = "pa\u0308ss".toCharArray();
    byte[] raw = new String(decomposed).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(WalletKeystore.passwordEncodings(decomposed)).hasSize(2).last().isEqualTo(raw);
    assertThat(WalletKeystore.passwordEncodings("ascii only".toCharArray())).hasSize(1);
  }

  @Test
  void shouldReportMacMismatchWhenTheCiphertextIsTampered() {
    String json = WalletKeystore.encrypt(HEX.parseHex(Vectors.ETHERS_PRIVATE_KEY), PASSPHRASE, FAST, random);
    String ciphertext = json.replaceAll(".*\"ciphertext\":\"([0-9a-f]+)\".*", "$1");
    char flipped = ciphertext.charAt(0) == '0' ? '1' : '0';
    String tampered = json.replace(ciphertext, flipped + ciphertext.substring(1));

    assertThatThrownBy(() -> WalletKeystore.decrypt(tampered, PASSPHRASE))
        .isInstanceOfSatisfying(KeystoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_PASSPHRASE))
        .hasMessageContaining("MAC does not match");
  }

  @Test
  void shouldRejectAFileWhoseAddressDoesNotMatchTheKey() {
    String json = WalletKeystore.encrypt(HEX.parseHex(Vectors.ETHERS_PRIVATE_KEY), PASSPHRASE, FAST, random);
    String edited = json.replace(Vectors.ETHERS_ADDRESS.substring(2).toLowerCase(), "11".repeat(20));

    assertThatThrownBy(() -> WalletKeystore.decrypt(edited, PASSPHRASE))
        .isInstanceOfSatisfying(KeystoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.ADDRESS_MISMATCH))
        .hasMessageContaining("0x" + "11".repeat(20)).hasMessageContaining("does not match");
  }

  @Test
  void shouldRefuseToEncryptAnInvalidKey() {
    assertThatThrownBy(() -> WalletKeystore.encrypt(new byte[32], PASSPHRASE, FAST, random))
        .isInstanceOfSatisfying(KeystoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_KEY))
        .hasMessageContaining("zero");
  }

  @Test
  void shouldNameTheUnsupportedVersion() {
    assertUnsupported(Vectors.SPEC_SCRYPT.replace("\"version\" : 3", "\"version\" : 1"), "version 1");
  }

  @Test
  void shouldNameTheUnsupportedCipher() {
    assertUnsupported(Vectors.SPEC_SCRYPT.replace("aes-128-ctr", "aes-128-cbc"), "cipher \"aes-128-cbc\"");
  }

  @Test
  void shouldNameTheUnsupportedKdf() {
    assertUnsupported(Vectors.SPEC_SCRYPT.replace("\"scrypt\"", "\"argon2id\""), "kdf \"argon2id\"");
  }

  @Test
  void shouldNameTheUnsupportedPbkdf2Prf() {
    assertUnsupported(Vectors.SPEC_PBKDF2.replace("hmac-sha256", "hmac-sha512"), "prf \"hmac-sha512\"");
  }

  @Test
  void shouldReportMalformedJson() {
    assertMalformed("not json at all", "not valid JSON");
    assertMalformed("{\"version\": 3, \"crypto\": {", "not valid JSON");
    assertMalformed("[1, 2, 3]", "not valid JSON");
    assertMalformed("", "empty");
  }

  @Test
  void shouldNameMissingAndMistypedFields() {
    assertMalformed(Vectors.SPEC_SCRYPT.replace("\"mac\"", "\"mak\""), "missing field \"crypto.mac\"");
    assertMalformed(Vectors.SPEC_SCRYPT.replace("\"83dbcc02d8ccb40e466191a123791e0e\"", "\"83dbcc\""),
        "crypto.cipherparams.iv\" must be 16 bytes, got 3");
    assertMalformed(Vectors.SPEC_SCRYPT.replace("\"dklen\" : 32", "\"dklen\" : \"32\""),
        "crypto.kdfparams.dklen\" must be an integer");
    assertMalformed(Vectors.SPEC_SCRYPT.replace("\"id\"", "\"version\" : 3, \"id\""), "duplicate key");
  }

  private static void assertUnsupported(String json, String named) {
    assertThatThrownBy(() -> WalletKeystore.decrypt(json, "x".toCharArray()))
        .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED))
        .hasMessageContaining("unsupported").hasMessageContaining(named);
  }

  private static void assertMalformed(String json, String detail) {
    assertThatThrownBy(() -> WalletKeystore.decrypt(json, "x".toCharArray()))
        .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.MALFORMED))
        .hasMessageContaining(detail);
  }
}
