package org.xmtpj.cli.keystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xmtpj.cli.keystore.KeystoreException.Reason;

class KeystoreDirectoryTest {
  private static final char[] PASSPHRASE = "new wallet passphrase".toCharArray();

  @TempDir
  Path temp;

  private final SecureRandom random = new SecureRandom();

  @Test
  void shouldDefaultToDotXmtpUnlessXmtpHomeIsSet() {
    Path userHome = Path.of("/home/alice");

    assertThat(KeystoreDirectory.defaultHome(Map.of(), userHome)).isEqualTo(Path.of("/home/alice/.xmtp"));
    assertThat(KeystoreDirectory.defaultHome(Map.of("XMTP_HOME", " "), userHome))
        .isEqualTo(Path.of("/home/alice/.xmtp"));
    assertThat(KeystoreDirectory.defaultHome(Map.of("XMTP_HOME", "/srv/xmtp"), userHome))
        .isEqualTo(Path.of("/srv/xmtp"));
  }

  @Test
  void shouldSaveAndLoadTheWallet() {
    KeystoreDirectory dir = new KeystoreDirectory(temp.resolve("home"));
    String json = encryptedSample();
    assertThat(dir.exists()).isFalse();

    dir.save(json);

    assertThat(dir.exists()).isTrue();
    assertThat(dir.walletFile()).isEqualTo(temp.resolve("home").resolve("wallet.json"));
    assertThat(dir.load()).isEqualTo(json);
  }

  @Test
  void shouldCreateThePrivateDirectoryAndFileWithOwnerOnlyPermissions() throws Exception {
    assumeTrue(temp.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX file system");
    KeystoreDirectory dir = new KeystoreDirectory(temp.resolve("nested").resolve("home"));

    dir.save(encryptedSample());

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.walletFile())))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.home()))).isEqualTo("rwx------");
    try (var files = Files.list(dir.home())) {
      assertThat(files).as("no temporary file is left behind").containsExactly(dir.walletFile());
    }
  }

  @Test
  void shouldRefuseToOverwriteAWalletUnlessReplacing() {
    KeystoreDirectory dir = new KeystoreDirectory(temp);
    String first = encryptedSample();
    String second = encryptedSample();
    dir.save(first);

    assertThatThrownBy(() -> dir.save(second))
        .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORAGE))
        .hasMessageContaining("already exists");
    assertThat(dir.load()).isEqualTo(first);

    dir.replace(second);
    assertThat(dir.load()).isEqualTo(second);
  }

  @Test
  void shouldRefuseToSaveSomethingThatIsNotAKeystore() {
    KeystoreDirectory dir = new KeystoreDirectory(temp);

    assertThatThrownBy(() -> dir.save("{\"hello\": \"world\"}")).isInstanceOf(KeystoreException.class);
    assertThat(dir.exists()).isFalse();
  }

  @Test
  void shouldExplainHowToCreateAWalletWhenNoneExists() {
    assertThatThrownBy(() -> new KeystoreDirectory(temp).load())
        .isInstanceOfSatisfying(KeystoreException.class, e -> assertThat(e.reason()).isEqualTo(Reason.STORAGE))
        .hasMessageContaining("no wallet").hasMessageContaining("xmtp init");
  }

  @Test
  void shouldRefuseToReadAFileFarLargerThanAKeystore() throws Exception {
    KeystoreDirectory dir = new KeystoreDirectory(temp);
    Files.writeString(dir.walletFile(), "{" + " ".repeat(100_000) + "}");

    assertThatThrownBy(dir::load).hasMessageContaining("not a wallet keystore");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      Vectors.ETHERS_PRIVATE_KEY,
      "0x" + Vectors.ETHERS_PRIVATE_KEY,
      "'  0X4C0883A69102937D6231471B5DBB6204FE5129617082792AE468D01A3F362318\n'",
  })
  void shouldImportAHexKeyWithOrWithoutPrefix(String hex) {
    KeystoreDirectory dir = new KeystoreDirectory(temp);

    String address = dir.importPrivateKeyHex(hex, PASSPHRASE, WalletKeystoreTest.FAST, random);

    assertThat(address).isEqualTo(Vectors.ETHERS_ADDRESS);
    assertThat(HexFormat.of().formatHex(WalletKeystore.decrypt(dir.load(), PASSPHRASE)))
        .isEqualTo(Vectors.ETHERS_PRIVATE_KEY);
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource({
      "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f3623,    got 62",
      "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f36231800, got 66",
      "0x2c7536E3605D9C16a7a3D7b1898e529396a65c23,                          looks like an address",
      "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f36231g,  non-hex character at position 64",
      "0x0000000000000000000000000000000000000000000000000000000000000000, zero",
      "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141,  group order",
      "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff,  group order",
      "'',                                                                empty",
  })
  void shouldRejectBadHexKeysWithTheReasonButWithoutEchoingThem(String hex, String reason) {
    KeystoreDirectory dir = new KeystoreDirectory(temp);

    assertThatThrownBy(() -> dir.importPrivateKeyHex(hex, PASSPHRASE, WalletKeystoreTest.FAST, random))
        .isInstanceOfSatisfying(KeystoreException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_KEY))
        .hasMessageContaining(reason)
        .message().doesNotContain("4c0883a6");
    assertThat(dir.exists()).isFalse();
  }

  @Test
  void shouldImportAnEthersKeystoreUnderANewPassphrase() throws Exception {
    Path source = temp.resolve("ethers.json");
    Files.writeString(source, Vectors.ETHERS_NFKC);
    KeystoreDirectory dir = new KeystoreDirectory(temp.resolve("home"));

    String address = dir.importKeystore(source, Vectors.ETHERS_NFKC_PASSWORD.toCharArray(), PASSPHRASE,
        WalletKeystoreTest.FAST, random);

    assertThat(address).isEqualTo(Vectors.ETHERS_ADDRESS);
    assertThat(HexFormat.of().formatHex(WalletKeystore.decrypt(dir.load(), PASSPHRASE)))
        .isEqualTo(Vectors.ETHERS_PRIVATE_KEY);
    assertThatThrownBy(() -> WalletKeystore.decrypt(dir.load(), Vectors.ETHERS_NFKC_PASSWORD.toCharArray()))
        .hasMessageContaining("wrong passphrase");
  }

  @Test
  void shouldWriteNothingWhenTheImportedKeystorePassphraseIsWrong() throws Exception {
    Path source = temp.resolve("ethers.json");
    Files.writeString(source, Vectors.ETHERS_NFKC);
    KeystoreDirectory dir = new KeystoreDirectory(temp.resolve("home"));

    assertThatThrownBy(() -> dir.importKeystore(source, "guess".toCharArray(), PASSPHRASE,
        WalletKeystoreTest.FAST, random)).hasMessageContaining("wrong passphrase");
    assertThat(dir.exists()).isFalse();
  }

  private String encryptedSample() {
    return WalletKeystore.encrypt(HexFormat.of().parseHex(Vectors.ETHERS_PRIVATE_KEY), PASSPHRASE,
        WalletKeystoreTest.FAST, random);
  }
}
