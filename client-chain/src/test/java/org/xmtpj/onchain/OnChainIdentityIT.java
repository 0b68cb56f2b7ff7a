package org.xmtpj.onchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.identity.IdentityConfig;
import org.xmtpj.client.Conversation;
import org.xmtpj.client.DecodedMessage;
import org.xmtpj.client.DirectoryEntry;
import org.xmtpj.client.XmtpClient;
import org.xmtpj.client.XmtpException;
import org.xmtpj.crypto.Secp256k1;

/**
 * The Java SDK on a real Hardhat chain and a real node: identities registered through the SDK are what other
 * clients see, trust and send invitations to. Each test uses its own Hardhat accounts (the chain is shared).
 */
class OnChainIdentityIT {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir
  static Path dir;
  static ChainAndNode net;

  @BeforeAll
  static void start() throws Exception {
    net = new ChainAndNode(dir);
  }

  @AfterAll
  static void stop() {
    net.close();
  }

  static Signer account(int i) {
    return net.chain.accounts().get(i);
  }

  static Signer freshWallet() {
    return Signer.fromPrivateKey(Secp256k1.generatePrivateKey(RANDOM));
  }

  static String customTopic() {
    return "/xmtp/0/invite-custom-" + Long.toHexString(RANDOM.nextLong()) + "/proto";
  }

  @Test
  void shouldDeliverAnInvitationToTheInviteTopicThatAliceRegisteredThroughTheSdk() throws Exception {
    Signer aliceWallet = account(1);
    String topic = customTopic();
    try (ChainIdentityDirectory aliceDirectory = ChainIdentityDirectory.connect(net.session);
        ChainIdentityDirectory bobDirectory = ChainIdentityDirectory.connect(net.session);
        XmtpClient alice = net.client(aliceWallet, aliceDirectory);
        XmtpClient bob = net.client(freshWallet(), bobDirectory)) {
      IdentityRegistration.direct(net.session, aliceWallet)
          .register(alice, InviteSettings.defaults().withInviteTopic(topic));

      DirectoryEntry seen = bobDirectory.lookup(alice.address()).orElseThrow();
      assertThat(seen.identityKey()).isEqualTo(alice.identityKey());
      assertThat(seen.inviteTopic()).isEqualTo(topic);
      assertThat(seen.invitePolicy()).isEqualTo(DirectoryEntry.InvitePolicy.OPEN);
      assertThat(bob.canMessage(alice.address())).isTrue();

      Conversation atBob = bob.conversations().newConversation(alice.address());
      atBob.send("gm alice, found you in the registry");

      assertThat(net.envelopesOn(topic)).as("the registered invite topic").isEqualTo(1);
      assertThat(net.envelopesOn(IdentityConfig.conventionalInviteTopic(alice.address()))).isZero();
      List<Conversation> atAlice = alice.conversations().list();
      assertThat(atAlice).extracting(Conversation::topic).containsExactly(atBob.topic());
      assertThat(atAlice.get(0).peerAddress()).isEqualTo(bob.address());
      assertThat(atAlice.get(0).messages().messages()).extracting(DecodedMessage::text)
          .containsExactly("gm alice, found you in the registry");
    }
  }

  @Test
  void shouldDenyCanMessageWhenTheRegisteredIdentityKeyIsNotTheOneInTheContactBundle() {
    Signer carolWallet = account(2);
    byte[] otherKey = Secp256k1.publicKeyUncompressed(Secp256k1.generatePrivateKey(RANDOM));
    try (ChainIdentityDirectory directory = ChainIdentityDirectory.connect(net.session);
        XmtpClient carol = net.client(carolWallet, null);
        XmtpClient bob = net.client(freshWallet(), directory)) {
      IdentityRegistration.direct(net.session, carolWallet).register(otherKey, InviteSettings.defaults());

      assertThat(bob.canMessage(carol.address())).isFalse();
      assertThat(bob.canMessage(List.of(carol.address()))).containsExactly(Map.entry(carol.address(), false));
      assertThatThrownBy(() -> bob.conversations().newConversation(carol.address()))
          .isInstanceOfSatisfying(XmtpException.class,
              e -> assertThat(e.kind()).isEqualTo(XmtpException.Kind.IDENTITY_MISMATCH))
          .hasMessageContaining("identity registry lists");
    }
  }

  @Test
  void shouldMessageAnUnregisteredWalletWithAContactBundleOnItsConventionalTopic() throws Exception {
    try (ChainIdentityDirectory directory = ChainIdentityDirectory.connect(net.session);
        XmtpClient jsStyle = net.client(freshWallet(), null);
        XmtpClient bob = net.client(freshWallet(), directory)) {
      assertThat(directory.lookup(jsStyle.address())).isEmpty();
      assertThat(bob.canMessage(jsStyle.address())).isTrue();

      bob.conversations().newConversation(jsStyle.address()).send("hi");

      assertThat(net.envelopesOn(IdentityConfig.conventionalInviteTopic(jsStyle.address()))).isEqualTo(1);
      assertThat(jsStyle.conversations().list()).singleElement()
          .satisfies(c -> assertThat(c.peerAddress()).isEqualTo(bob.address()));
    }
  }

  @Test
  void shouldRefuseToInviteAPeerWhoseInviteTopicAsksForAFee() throws Exception {
    Signer erinWallet = account(3);
    String topic = customTopic();
    try (ChainIdentityDirectory directory = ChainIdentityDirectory.connect(net.session);
        XmtpClient erin = net.client(erinWallet, null);
        XmtpClient bob = net.client(freshWallet(), directory)) {
      IdentityRegistration.direct(net.session, erinWallet)
          .register(erin, InviteSettings.defaults().withInviteTopic(topic).withFee(BigInteger.valueOf(100)));

      assertThatThrownBy(() -> bob.conversations().newConversation(erin.address()))
          .isInstanceOfSatisfying(XmtpException.class,
              e -> assertThat(e.kind()).isEqualTo(XmtpException.Kind.UNSUPPORTED_POLICY))
          .hasMessageContaining("fee of 100").hasMessageContaining("invite policy FEE")
          .hasMessageContaining("does not support");
      assertThat(net.envelopesOn(topic)).isZero();
    }
  }

  @Test
  void shouldRegisterAWalletWithoutEthThroughARelayerAndTellADirectSenderToUseOne() throws Exception {
    Signer frankWallet = freshWallet();
    try (ChainIdentityDirectory directory = ChainIdentityDirectory.connect(net.session);
        XmtpClient frank = net.client(frankWallet, null)) {
      IdentityRegistration.relayed(net.session, frankWallet, account(4)).register(frank, InviteSettings.defaults());

      DirectoryEntry entry = directory.lookup(frank.address()).orElseThrow();
      assertThat(entry.identityKey()).isEqualTo(frank.identityKey());
      assertThat(entry.inviteTopic()).isEqualTo(IdentityConfig.conventionalInviteTopic(frank.address()));
      assertThat(net.session.web3j().ethGetBalance(frank.address(), DefaultBlockParameterName.LATEST).send()
          .getBalance()).as("the wallet paid no gas").isZero();
    }
    Signer broke = freshWallet();
    assertThatThrownBy(() -> IdentityRegistration.direct(net.session, broke)
        .register(Secp256k1.publicKeyUncompressed(Secp256k1.generatePrivateKey(RANDOM)), InviteSettings.defaults()))
        .isInstanceOfSatisfying(RegistryException.class,
            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.INSUFFICIENT_FUNDS))
        .hasMessageContaining("no ETH").hasMessageContaining("relayer");
  }

  @Test
  void shouldSeeUpdatesAndRevocationsInLookupsOnceTheCachedAnswerIsForgotten() {
    Signer graceWallet = account(5);
    String newTopic = customTopic();
    try (ChainIdentityDirectory cached = ChainIdentityDirectory.connect(net.session);
        XmtpClient grace = net.client(graceWallet, null)) {
      IdentityRegistration direct = IdentityRegistration.direct(net.session, graceWallet);
      direct.register(grace, InviteSettings.defaults());
      assertThat(cached.lookup(grace.address())).map(DirectoryEntry::retentionDays).contains(30);

      direct.update(grace, InviteSettings.defaults().withInviteTopic(newTopic).withRetentionDays(90));
      assertThat(cached.lookup(grace.address())).as("within the TTL").map(DirectoryEntry::inviteTopic)
          .contains(IdentityConfig.conventionalInviteTopic(grace.address()));
      cached.forget(grace.address());
      DirectoryEntry updated = cached.lookup(grace.address()).orElseThrow();
      assertThat(updated.inviteTopic()).isEqualTo(newTopic);
      assertThat(updated.retentionDays()).isEqualTo(90);

      IdentityRegistration.relayed(net.session, graceWallet, account(6)).revoke();
      cached.forget(grace.address());
      assertThat(cached.lookup(grace.address())).isEmpty();
      assertThat(cached.entry(grace.address())).isEmpty();
    }
  }

  @Test
  void shouldExplainARejectedRegistrationWithTheContractsErrorInWords() {
    Signer henry = account(7);
    Signer ivan = account(8);
    String topic = customTopic();
    byte[] key = Secp256k1.publicKeyUncompressed(Secp256k1.generatePrivateKey(RANDOM));
    IdentityRegistration.direct(net.session, henry).register(key, InviteSettings.defaults().withInviteTopic(topic));

    assertThatThrownBy(() -> IdentityRegistration.direct(net.session, henry).register(key, InviteSettings.defaults()))
        .isInstanceOfSatisfying(RegistryException.class, e -> {
          assertThat(e.reason()).isEqualTo(RegistryException.Reason.REJECTED);
          assertThat(e.contractError()).contains("AlreadyRegistered");
        })
        .hasMessageContaining(henry.address() + " is already registered");
    assertThatThrownBy(() -> IdentityRegistration.direct(net.session, ivan)
        .register(key, InviteSettings.defaults().withInviteTopic(topic)))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("the invite topic " + topic + " already belongs to " + henry.address());
    assertThatThrownBy(() -> IdentityRegistration.direct(net.session, ivan).update(key, InviteSettings.defaults()))
        .isInstanceOf(RegistryException.class).hasMessageContaining(ivan.address() + " is not registered");
  }

  @Test
  void shouldRefuseToRegisterTheIdentityKeyOfAnotherWallet() {
    try (XmtpClient someoneElse = net.client(freshWallet(), null)) {
      assertThatThrownBy(() -> IdentityRegistration.direct(net.session, account(9))
          .register(someoneElse, InviteSettings.defaults()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not to the wallet");
    }
  }

  @Test
  void shouldNameTheUrlWhenTheChainCannotBeReached() {
    assertThatThrownBy(() -> ChainIdentityDirectory.open("http://127.0.0.1:1", net.chain.deployment()))
        .isInstanceOfSatisfying(RegistryException.class,
            e -> assertThat(e.reason()).isEqualTo(RegistryException.Reason.UNREACHABLE))
        .hasMessageContaining("cannot reach the chain at http://127.0.0.1:1");
  }
}
