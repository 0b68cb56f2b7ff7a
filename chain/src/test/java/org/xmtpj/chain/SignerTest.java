package org.xmtpj.chain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignerTest {

  @Test
  void derivesTheChecksummedAddressOfAKey() {
    Signer s = Signer.fromPrivateKey("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    assertThat(s.address()).isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assertThat(s.privateKeyHex()).isEqualTo("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
  }

  @Test
  void toStringNeverShowsTheKey() {
    Signer s = Signer.fromPrivateKey("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");

    assertThat(s.toString()).isEqualTo("Signer[0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266]").doesNotContain("ac0974");
  }
}
