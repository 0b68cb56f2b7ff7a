package org.xmtpj.chain.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.Deployment.DeployedContract;
import org.xmtpj.chain.Signer;

/** Vectors computed with ethers 6.17 (TypedDataEncoder.hashDomain / hash, Wallet.signTypedData): another encoder. */
class CheckpointTypedDataTest {
  static final HexFormat HEX = HexFormat.of();
  static final CheckpointTypedData TYPED = new CheckpointTypedData(31337, "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707");
  static final byte[] CUT = HEX.parseHex("11".repeat(32));
  static final byte[] ROOT = HEX.parseHex("22".repeat(32));
  static final Signer OPERATOR =
      Signer.fromPrivateKey("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
  static final BigInteger ORDER =
      new BigInteger("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16);

  @Test
  void domainSeparatorAndDigestMatchEthers() {
    assertThat(HEX.formatHex(TYPED.domainSeparator()))
        .isEqualTo("370b2217a24dc6ab06718867b2e6fa47c15297aed4f70eef8dcf8b658bfc2438");
    assertThat(HEX.formatHex(TYPED.digest(7, CUT, ROOT)))
        .isEqualTo("2d51b851a7c1944c1841fdbd89a582ee82c7f84b99b0aa0877a990f9aa6bf3a2");
  }

  @Test
  void theOperatorsSignatureIsTheSixtyFiveByteRsvThatEthersProduces() {
    SignedCheckpoint signed = TYPED.sign(OPERATOR, 3, 7, CUT, ROOT);

    assertThat(HEX.formatHex(signed.signature())).isEqualTo("1af84e59a57e6655eb97aaca41b1d86aa5b7e6adacabf157373bf1145e86e084"
        + "1f447b55c734e74c731906e8f6536f17d0d3c6285683f15e28e158c7d3dde8881b");
    assertThat(signed.nodeId()).isEqualTo(3);
    assertThat(signed.epoch()).isEqualTo(7);
    assertThat(signed.root()).isEqualTo(ROOT);
  }

  @Test
  void signerOfRecoversTheOperatorAndRefusesTheMalleableTwin() {
    SignedCheckpoint signed = TYPED.sign(OPERATOR, 3, 7, CUT, ROOT);
    assertThat(TYPED.signerOf(signed)).contains("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");

    // (r, n − s, the other v) recovers the same key: ecrecover accepts it, the contract must not
    byte[] sig = signed.signature();
    BigInteger highS = ORDER.subtract(new BigInteger(1, Arrays.copyOfRange(sig, 32, 64)));
    byte[] twin = sig.clone();
    System.arraycopy(HEX.parseHex(String.format("%064x", highS)), 0, twin, 32, 32);
    twin[64] = (byte) (sig[64] == 27 ? 28 : 27);
    assertThat(TYPED.signerOf(new SignedCheckpoint(3, 7, CUT, ROOT, twin))).isEmpty();

    byte[] badV = sig.clone();
    badV[64] = 1;
    assertThat(TYPED.signerOf(new SignedCheckpoint(3, 7, CUT, ROOT, badV))).isEmpty();
  }

  @Test
  void aSignatureOverOneRootDoesNotRecoverToTheOperatorForAnother() {
    byte[] sig = TYPED.sign(OPERATOR, 3, 7, CUT, ROOT).signature();
    byte[] otherRoot = HEX.parseHex("33".repeat(32));

    assertThat(TYPED.signerOf(new SignedCheckpoint(3, 7, CUT, otherRoot, sig)))
        .isNotEqualTo(TYPED.signerOf(new SignedCheckpoint(3, 7, CUT, ROOT, sig)));
    assertThat(TYPED.digest(8, CUT, ROOT)).isNotEqualTo(TYPED.digest(7, CUT, ROOT));
    assertThat(TYPED.digest(7, ROOT, CUT)).isNotEqualTo(TYPED.digest(7, CUT, ROOT));
  }

  @Test
  void malformedInputsAreRejectedBeforeSigning() {
    assertThatThrownBy(() -> TYPED.digest(7, CUT, new byte[31])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("root");
    assertThatThrownBy(() -> TYPED.digest(-1, CUT, ROOT)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SignedCheckpoint(3, 7, CUT, ROOT, new byte[64]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("signature");
    assertThatThrownBy(() -> new SignedCheckpoint(0, 7, CUT, ROOT, new byte[65]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDeploymentWithoutCheckpointsHasNoTypedData() {
    DeployedContract c = new DeployedContract("0x5FbDB2315678afecb367f032d93F642f64180aa3", 1, null);
    Deployment old = new Deployment(31337, null, "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266", 1, 4,
        Map.of("Token", c, "NodeRegistry", c, "Staking", c, "IdentityRegistry", c), Map.of(), 1, 60);

    assertThat(old.checkpointsAddress()).isEmpty();
    assertThatThrownBy(() -> CheckpointTypedData.of(old)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Checkpoints");
  }
}
