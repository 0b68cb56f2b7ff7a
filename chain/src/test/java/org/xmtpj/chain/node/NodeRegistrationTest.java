package org.xmtpj.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xmtpj.crypto.Ed25519;
import org.xmtpj.crypto.Ed25519KeyPair;

/**
 * The registration message and its signature. The fixed vectors below are also in
 * contracts/test/java-ed25519-vectors.js, where the Solidity verifier must accept them: this test pins that they
 * are what this code (BouncyCastle's Ed25519) produces.
 */
class NodeRegistrationTest {
  static final HexFormat HEX = HexFormat.of();

  record Vector(String seed, long chainId, String registry, String operator, String publicKey, String signature) {}

  static final Vector[] VECTORS = {
    new Vector("0101010101010101010101010101010101010101010101010101010101010101", 31337,
        "0x5FbDB2315678afecb367f032d93F642f64180aa3", "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c",
        "4fa92a216e8fc11fb8f64a9c74ccfb1b269ace6b8d5553c360f80eaea6583471d18901dd2b2cc105a75a2d461c1f80a71073bed9b2bccb42e4ae166fa09f1805"),
    new Vector("a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5", 1,
        "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
        "29e5833a915a6429a4e3a7948475c338ef436eb82be89c92f059704403db9d55",
        "04e3eb61763821ec8c187836e906dd7e6545f368dcca33b15ac45d85ad693a6d10de35b50e871d008f6ff8c7762133f4629450ed2b72492f4645df07dc1f2d02"),
    new Vector("c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7", 8453,
        "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "5021ac38b7a56b1cb7c234047fb5aad16ea1f27ce19c50d3d8cbeb70808c035fa7411c8ff2980a5869ad8840df44958e31dcfd8bada8038730f82f48d15f390f"),
  };

  @Test
  void theMessageIsDomainChainIdRegistryOperatorAndKey() {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) 0xab);

    byte[] m = NodeRegistration.message(0x7a69, "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", key);

    assertThat(m).hasSize(130);
    assertThat(new String(m, 0, 26, StandardCharsets.US_ASCII)).isEqualTo("xmtpj-node-registration-v1");
    assertThat(HEX.formatHex(m, 26, 58)).isEqualTo("00".repeat(30) + "7a69");
    assertThat(HEX.formatHex(m, 58, 78)).isEqualTo("5fbdb2315678afecb367f032d93f642f64180aa3");
    assertThat(HEX.formatHex(m, 78, 98)).isEqualTo("70997970c51812dc3a010c7d01b50e0d17dc79c8");
    assertThat(HEX.formatHex(m, 98, 130)).isEqualTo("ab".repeat(32));
  }

  @Test
  void theFixedVectorsAreWhatBouncyCastleSigns() {
    for (Vector v : VECTORS) {
      Ed25519KeyPair pair = Ed25519KeyPair.fromPrivateKey(HEX.parseHex(v.seed()));
      byte[] message = NodeRegistration.message(v.chainId(), v.registry(), v.operator(), pair.publicKey());
      byte[] signature = NodeRegistration.sign(pair, v.chainId(), v.registry(), v.operator());
      assertThat(Ed25519.verify(pair.publicKey(), message, signature)).isTrue();
      assertThat(HEX.formatHex(pair.publicKey())).as("public key, %s", asJs(v)).isEqualTo(v.publicKey());
      assertThat(HEX.formatHex(signature)).as("signature, %s", asJs(v)).isEqualTo(v.signature());
    }
  }

  /** The vector as contracts/test/java-ed25519-vectors.js lists it (printed when it does not match). */
  static String asJs(Vector v) {
    Ed25519KeyPair pair = Ed25519KeyPair.fromPrivateKey(HEX.parseHex(v.seed()));
    byte[] message = NodeRegistration.message(v.chainId(), v.registry(), v.operator(), pair.publicKey());
    byte[] signature = NodeRegistration.sign(pair, v.chainId(), v.registry(), v.operator());
    return String.format("{ name: \"chain %d, operator %s\", publicKey: \"0x%s\", message: \"0x%s\","
        + " signature: \"0x%s\" }", v.chainId(), v.operator(), HEX.formatHex(pair.publicKey()),
        HEX.formatHex(message), HEX.formatHex(signature));
  }

  @Test
  void aSignatureForOneOperatorDoesNotVerifyForAnother() {
    Vector v = VECTORS[0];
    Ed25519KeyPair pair = Ed25519KeyPair.fromPrivateKey(HEX.parseHex(v.seed()));
    byte[] signature = NodeRegistration.sign(pair, v.chainId(), v.registry(), v.operator());

    byte[] other = NodeRegistration.message(v.chainId(), v.registry(), VECTORS[1].operator(), pair.publicKey());

    assertThat(Ed25519.verify(pair.publicKey(), other, signature)).isFalse();
  }

  @Test
  void malformedAddressesAndKeysAreRefused() {
    assertThatThrownBy(() -> NodeRegistration.message(1, "0x1234", VECTORS[0].operator(), new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeRegistration.message(1, VECTORS[0].registry(), VECTORS[0].operator(), new byte[31]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
