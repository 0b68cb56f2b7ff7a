package org.xmtpj.onchain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.net.ConnectException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.chain.identity.PublishPolicy;

/** Chain failures become messages a person can act on; settings become registry records. */
class RegistryErrorsTest {
  static final String OWNER = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";

  @Test
  void shouldNameTheTopicAndItsOwnerWhenTheTopicIsTaken() {
    RegistryException e = RegistryErrors.translate(new ContractRevertException("IdentityRegistry.register",
        "TopicTaken", List.of("/t", OWNER), "0x"), "registering 0xA", "http://rpc");

    assertThat(e.reason()).isEqualTo(RegistryException.Reason.REJECTED);
    assertThat(e.contractError()).contains("TopicTaken");
    assertThat(e.getMessage()).isEqualTo("registering 0xA was rejected by the IdentityRegistry: the invite topic /t"
        + " already belongs to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 [TopicTaken]");
  }

  @Test
  void shouldStateTheAllowedRetentionWhenTheRetentionIsRejected() {
    RegistryException e = RegistryErrors.translate(new ContractRevertException("op", "InvalidRetention",
        List.of(BigInteger.valueOf(400)), "0x"), "updating", "x");

    assertThat(e.getMessage()).contains("retention must be 1 to 365 days, not 400 [InvalidRetention]");
  }

  @Test
  void shouldKeepTheNameOfAnErrorItHasNoWordsFor() {
    RegistryException e = RegistryErrors.translate(new ContractRevertException("op", "Panic",
        List.of(BigInteger.valueOf(17)), "0x"), "registering", "x");

    assertThat(e.getMessage()).contains("it reverted with Panic [17] [Panic]");
  }

  @Test
  void shouldCallAnIoFailureUnreachableAndNameTheEndpoint() {
    RegistryException e = RegistryErrors.translate(new ChainException("IdentityRegistry.identityOf failed: refused",
        new ConnectException("Connection refused")), "reading the registry entry of 0xA", "the chain at http://127.0.0.1:9");

    assertThat(e.reason()).isEqualTo(RegistryException.Reason.UNREACHABLE);
    assertThat(e.getMessage()).startsWith("reading the registry entry of 0xA failed: cannot reach the chain at"
        + " http://127.0.0.1:9");
  }

  @Test
  void shouldSuggestARelayerWhenTheSenderCannotPayForGas() {
    RegistryException e = RegistryErrors.translate(new ChainException("IdentityRegistry.register: transaction"
        + " rejected: Sender doesn't have enough funds to send tx"), "registering 0xA", "x");

    assertThat(e.reason()).isEqualTo(RegistryException.Reason.INSUFFICIENT_FUNDS);
    assertThat(e.getMessage()).contains("no ETH to pay for gas").contains("relayer");
  }

  @Test
  void shouldUseTheConventionalTopicOfTheChecksummedWalletWhenNoTopicIsGiven() {
    byte[] key = new byte[65];
    key[0] = 4;
    IdentityConfig config = InviteSettings.defaults().withFee(BigInteger.TEN).toConfig(OWNER, key);

    assertThat(config.inviteTopic())
        .isEqualTo("/xmtp/0/invite-0x70997970C51812dc3A010C7d01b50e0d17dc79C8/proto");
    assertThat(config.publishPolicy()).isEqualTo(PublishPolicy.FEE);
    assertThat(config.fee()).isEqualTo(BigInteger.TEN);
    assertThat(config.retentionDays()).isEqualTo(InviteSettings.DEFAULT_RETENTION_DAYS);
    assertThat(InviteSettings.of(config).open().policy()).isEqualTo(PublishPolicy.OPEN);
    assertThat(InviteSettings.of(config).open().fee()).isZero();
  }
}
