package org.xmtpj.chain.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.Signer;

/** Vectors computed with ethers 6.17 (TypedDataEncoder.hash / Wallet.signTypedData), an independent encoder. */
class IdentityTypedDataTest {
  static final HexFormat HEX = HexFormat.of();
  static final String WALLET = "0x70997970C51812dc3A010C7D01b50e49A799c8c8";
  static final IdentityTypedData TYPED = new IdentityTypedData(31337, "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9");
  static final IdentityConfig CONFIG = new IdentityConfig(HEX.parseHex("04" + "11".repeat(64)),
      IdentityConfig.conventionalInviteTopic(WALLET), PublishPolicy.CREDENTIAL, BigInteger.ZERO,
      HEX.parseHex("abcdef"), 30, EvictionPolicy.REJECT_NEW);
  static final BigInteger NONCE = BigInteger.valueOf(7);
  static final long DEADLINE = 1_900_000_000L;

  @Test
  void domainSeparatorMatchesEthers() {
    assertThat(hex(TYPED.domainSeparator()))
        .isEqualTo("e0cd8fc0607f87aee85c39a8b1dfa17df546ec8309d9a0898d2c711fc6ce5136");
  }

  @Test
  void registerUpdateAndRevokeDigestsMatchEthers() {
    assertThat(hex(TYPED.registerDigest(WALLET, CONFIG, NONCE, DEADLINE)))
        .isEqualTo("4b6c32f0d58931b2d633a381641dac62ca11e9900bbd57530500401e0314913e");
    assertThat(hex(TYPED.updateDigest(WALLET, CONFIG, NONCE, DEADLINE)))
        .isEqualTo("9cda293acc6c8fa358888612b6870851fb58e0c3505fce3d1f4b77962e4a94a7");
    assertThat(hex(TYPED.revokeDigest(WALLET, NONCE, DEADLINE)))
        .isEqualTo("41af35110e0651b2f108ece32da555cc7d7b1f29c48365d3adbb8e2a9c01ba75");
  }

  @Test
  void signaturesAreTheSixtyFiveByteRsvThatEthersProduces() {
    Signer key = Signer.fromPrivateKey("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");

    byte[] sig = key.signDigest(TYPED.registerDigest(WALLET, CONFIG, NONCE, DEADLINE));

    assertThat(hex(sig)).isEqualTo("f0b3cc7f4c1e866fb0e3fb01099b4c9ca211465b356a7285310172541c426cfd"
        + "34464a1698352cbfe8ac13b0008bde922bcdf04e3bb0b1e3232211a16267c66a1c");
  }

  private static String hex(byte[] b) {
    return HEX.formatHex(b);
  }
}
