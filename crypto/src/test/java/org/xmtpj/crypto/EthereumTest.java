package org.xmtpj.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EthereumTest {
  private static final HexFormat HEX = HexFormat.of();

  // The examples from the EIP-55 specification.
  @ParameterizedTest
  @ValueSource(strings = {
      "0x52908400098527886E0F7030069857D2E4169EE7", "0x8617E340B3D01FA5F11F306F4090FD50E238070D",
      "0xde709f2102306220921060314715629080e2fb77", "0x27b1fdb04752bbc536007a920d24acb045561c26",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
      "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB", "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb"})
  void shouldChecksumEip55ExamplesFromAnyCase(String expected) {
    assertThat(Ethereum.checksum(expected.toLowerCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(Ethereum.checksum("0x" + expected.substring(2).toUpperCase(Locale.ROOT))).isEqualTo(expected);
    assertThat(Ethereum.isChecksummedAddress(expected)).isTrue();
  }

  @Test
  void shouldNotAcceptWrongCaseAsChecksummed() {
    assertThat(Ethereum.isChecksummedAddress("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed")).isFalse();
    assertThat(Ethereum.isChecksummedAddress("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe")).isFalse();
    assertThat(Ethereum.isChecksummedAddress(null)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "0x", "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed00",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd",
      "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeZ"})
  void shouldRejectMalformedAddressWithClearMessage(String address) {
    assertThatThrownBy(() -> Ethereum.checksum(address))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not an Ethereum address");
  }

  @Test
  void shouldDeriveVectorWalletAddressesFromTheirPrivateKeys() {
    for (String who : new String[] {"A", "B"}) {
      byte[] publicKey = Secp256k1.publicKeyUncompressed(TestVectors.hex(who + ".walletPrivateKey"));
      assertThat(Ethereum.address(publicKey)).isEqualTo(TestVectors.get(who + ".address"));
    }
  }

  @Test
  void shouldHashPersonalMessageLikeEthers() {
    // ethers.hashMessage("hello world")
    assertThat(HEX.formatHex(Ethereum.eip191Hash("hello world")))
        .isEqualTo("d9eba16ed0ecae432b71fe008c98cc872bb4cc214d3220a36f365326cf807d68");
  }

  @Test
  void shouldSignPersonalMessageWithRecoverableWalletSignature() {
    byte[] walletKey = TestVectors.hex("A.walletPrivateKey");
    byte[] signature = Ethereum.signPersonal(walletKey, "hello");
    assertThat(signature).hasSize(65);
    assertThat(signature[64]).isIn((byte) 27, (byte) 28);
    RecoverableSignature compact =
        new RecoverableSignature(java.util.Arrays.copyOf(signature, 64), signature[64] - 27);
    byte[] recovered = Secp256k1.recoverPublicKey(Ethereum.eip191Hash("hello"), compact);
    assertThat(Ethereum.address(recovered)).isEqualTo(TestVectors.get("A.address"));
  }

  @Test
  void shouldRejectMalformedPublicKeyForAddress() {
    assertThatThrownBy(() -> Ethereum.address(new byte[64])).isInstanceOf(CryptoException.class);
  }
}
