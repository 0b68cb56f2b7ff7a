package org.xmtpj.chain.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.Signer;

class HardhatAccountsTest {

  @Test
  void derivesTheAccountsThatHardhatNodePrints() {
    List<Signer> accounts = HardhatAccounts.defaults();

    assertThat(accounts).hasSize(20);
    // as printed by `hardhat node` 2.29.1
    assertThat(accounts.get(0).address()).isEqualTo("0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
    assertThat(accounts.get(0).privateKeyHex())
        .isEqualTo("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80");
    assertThat(accounts.get(1).address()).isEqualTo("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
    assertThat(accounts.get(19).address()).isEqualTo("0x8626f6940E2eb28930eFb4CeF49B2d1F2C9C1199");
    assertThat(accounts.get(19).privateKeyHex())
        .isEqualTo("0xdf57089febbacf7ba0bc227dafbffa9fc08a93fdc68e1e42411a14efcf23656e");
  }
}
