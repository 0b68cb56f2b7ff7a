package org.xmtpj.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.client.DirectoryEntry.InvitePolicy;
import org.xmtpj.crypto.Secp256k1;

/**
 * The SDK with an {@link IdentityDirectory} (an in-memory one here; the on-chain one is tested in client-chain)
 * against a real node: registered keys gate canMessage and new conversations, invitations go to registered topics.
 */
class IdentityDirectoryTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir
  static Path dir;
  static LocalNode node;
  static NodeApi raw;

  /** A directory backed by a map; {@link #failure} makes every lookup fail. */
  static final class MapDirectory implements IdentityDirectory {
    final Map<String, DirectoryEntry> entries = new ConcurrentHashMap<>();
    volatile RuntimeException failure;

    void put(String wallet, byte[] identityKey, String topic, InvitePolicy policy, long fee) {
      entries.put(wallet.toLowerCase(), new DirectoryEntry(wallet, identityKey, topic, policy, BigInteger.valueOf(fee),
          30));
    }

    @Override
    public Optional<DirectoryEntry> lookup(String walletAddress) {
      if (failure != null) {
        throw failure;
      }
      return Optional.ofNullable(entries.get(walletAddress.toLowerCase()));
    }
  }

  @BeforeAll
  static void start() throws Exception {
    node = new LocalNode(dir);
    raw = new NodeApi(XmtpClient.Builder.transport(node.url("http"), Duration.ofSeconds(10)), Clock.systemUTC(),
        d -> { });
  }

  @AfterAll
  static void stop() {
    raw.close();
    node.close();
  }

  static XmtpClient client(IdentityDirectory directory) {
    XmtpClient.Builder b = XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(RANDOM)))
        .node(node.url("http"));
    return (directory == null ? b : b.directory(directory)).build();
  }

  static String customTopic() {
    return "/xmtp/0/invite-custom-" + Long.toHexString(RANDOM.nextLong()) + "/proto";
  }

  static byte[] randomKey() {
    return Secp256k1.publicKeyUncompressed(Secp256k1.generatePrivateKey(RANDOM));
  }

  static List<Envelope> onTopic(String topic) {
    return raw.queryAll(topic, 0, 0, false, 0);
  }

  @Test
  void shouldSendTheInvitationToTheRegisteredTopicOfAListedPeerAndTheConventionalOneOfAnUnlistedSender()
      throws Exception {
    MapDirectory directory = new MapDirectory();
    try (XmtpClient alice = client(directory); XmtpClient bob = client(directory)) {
      String aliceTopic = customTopic();
      directory.put(alice.address(), alice.identityKey(), aliceTopic, InvitePolicy.OPEN, 0);

      Conversation atBob = bob.conversations().newConversation(alice.address());
      atBob.send("over the registered topic");

      assertThat(onTopic(aliceTopic)).hasSize(1);
      assertThat(onTopic(Topics.invite(alice.address()))).as("alice's conventional topic").isEmpty();
      assertThat(onTopic(Topics.invite(bob.address()))).as("bob is unlisted: his conventional topic").hasSize(1);
      assertThat(onTopic(aliceTopic).get(0).getMessage()).isEqualTo(onTopic(Topics.invite(bob.address())).get(0)
          .getMessage());
      List<Conversation> atAlice = alice.conversations().list();
      assertThat(atAlice).extracting(Conversation::topic).containsExactly(atBob.topic());
      assertThat(atAlice.get(0).messages().messages()).extracting(DecodedMessage::text)
          .containsExactly("over the registered topic");
      assertThat(bob.conversations().list()).extracting(Conversation::topic).containsExactly(atBob.topic());
    }
  }

  @Test
  void shouldPublishOurOwnCopyToOurRegisteredTopicWhenWeAreListed() {
    MapDirectory directory = new MapDirectory();
    try (XmtpClient alice = client(directory); XmtpClient bob = client(null)) {
      String aliceTopic = customTopic();
      directory.put(alice.address(), alice.identityKey(), aliceTopic, InvitePolicy.OPEN, 0);

      Conversation atAlice = alice.conversations().newConversation(bob.address());

      assertThat(onTopic(aliceTopic)).hasSize(1);
      assertThat(onTopic(Topics.invite(alice.address()))).isEmpty();
      assertThat(bob.conversations().list()).extracting(Conversation::topic).containsExactly(atAlice.topic());
      try (XmtpClient aliceElsewhere = XmtpClient.fromKeyBundle(alice.exportKeyBundle()).node(node.url("http"))
          .directory(directory).build()) {
        assertThat(aliceElsewhere.conversations().list()).extracting(Conversation::topic)
            .containsExactly(atAlice.topic());
      }
    }
  }

  @Test
  void shouldStreamAConversationWhoseInvitationArrivesOnTheRegisteredTopic() throws Exception {
    MapDirectory directory = new MapDirectory();
    try (XmtpClient alice = client(directory); XmtpClient bob = client(directory)) {
      String aliceTopic = customTopic();
      directory.put(alice.address(), alice.identityKey(), aliceTopic, InvitePolicy.OPEN, 0);
      try (XmtpStream<Conversation> incoming = alice.conversations().stream();
          XmtpStream<DecodedMessage> all = alice.conversations().streamAllMessages()) {
        Conversation atBob = bob.conversations().newConversation(alice.address());
        atBob.send("streamed");

        Conversation seen = incoming.poll(Duration.ofSeconds(20));
        assertThat(seen).as("skipped: %s", incoming.drainSkipped()).isNotNull();
        assertThat(seen.topic()).isEqualTo(atBob.topic());
        DecodedMessage m = all.poll(Duration.ofSeconds(20));
        assertThat(m).as("skipped: %s", all.drainSkipped()).isNotNull();
        assertThat(m.text()).isEqualTo("streamed");
        assertThat(onTopic(aliceTopic)).as("only the registered topic carried it").hasSize(1);
        assertThat(onTopic(Topics.invite(alice.address()))).isEmpty();
      }
    }
  }

  @Test
  void shouldDenyCanMessageAndRefuseAConversationWhenTheBundleKeyDiffersFromTheRegisteredKey() {
    MapDirectory directory = new MapDirectory();
    try (XmtpClient alice = client(directory); XmtpClient carol = client(null)) {
      directory.put(carol.address(), randomKey(), customTopic(), InvitePolicy.OPEN, 0);

      assertThat(alice.canMessage(carol.address())).isFalse();
      assertThat(alice.canMessage(List.of(carol.address()))).containsExactly(Map.entry(carol.address(), false));
      assertThatThrownBy(() -> alice.conversations().newConversation(carol.address()))
          .isInstanceOfSatisfying(XmtpException.class,
              e -> assertThat(e.kind()).isEqualTo(XmtpException.Kind.IDENTITY_MISMATCH))
          .hasMessageContaining(carol.address()).hasMessageContaining("identity registry lists");
      assertThat(onTopic(Topics.invite(carol.address()))).isEmpty();
    }
  }

  @Test
  void shouldAllowAnUnlistedWalletWithABundleAndAListedOneWithItsRegisteredKey() {
    MapDirectory directory = new MapDirectory();
    String stranger = org.xmtpj.crypto.Ethereum.address(randomKey());
    try (XmtpClient alice = client(directory); XmtpClient jsUser = client(null); XmtpClient dave = client(null)) {
      directory.put(dave.address(), dave.identityKey(), customTopic(), InvitePolicy.OPEN, 0);
      directory.put(stranger, randomKey(), customTopic(), InvitePolicy.OPEN, 0);

      assertThat(alice.canMessage(jsUser.address())).isTrue();
      assertThat(alice.canMessage(dave.address())).isTrue();
      assertThat(alice.canMessage(stranger)).as("registered but never ran a client").isFalse();
      assertThat(alice.canMessage(List.of(jsUser.address(), dave.address(), stranger))).containsExactly(
          Map.entry(jsUser.address(), true), Map.entry(dave.address(), true), Map.entry(stranger, false));
      assertThatThrownBy(() -> alice.conversations().newConversation(stranger))
          .isInstanceOfSatisfying(XmtpException.class,
              e -> assertThat(e.kind()).isEqualTo(XmtpException.Kind.NOT_ON_NETWORK))
          .hasMessageContaining("although it is in the identity registry");
    }
  }

  @ParameterizedTest
  @EnumSource(value = InvitePolicy.class, names = {"FEE", "CREDENTIAL"})
  void shouldRefuseToInviteAPeerWhosePolicyIsNotOpen(InvitePolicy policy) {
    MapDirectory directory = new MapDirectory();
    try (XmtpClient alice = client(directory); XmtpClient erin = client(null)) {
      String topic = customTopic();
      directory.put(erin.address(), erin.identityKey(), topic, policy, policy == InvitePolicy.FEE ? 100 : 0);

      assertThatThrownBy(() -> alice.conversations().newConversation(erin.address()))
          .isInstanceOfSatisfying(XmtpException.class,
              e -> assertThat(e.kind()).isEqualTo(XmtpException.Kind.UNSUPPORTED_POLICY))
          .hasMessageContaining("invite policy " + policy)
          .hasMessageContaining(policy == InvitePolicy.FEE ? "fee of 100" : "credential")
          .hasMessageContaining("does not support");
      assertThat(onTopic(topic)).isEmpty();
      assertThat(alice.canMessage(erin.address())).as("reachable, just not by this SDK yet").isTrue();
    }
  }

  @Test
  void shouldReportAnUnreadableDirectoryAsDirectoryUnavailable() {
    MapDirectory directory = new MapDirectory();
    try (XmtpClient alice = client(directory); XmtpClient bob = client(null)) {
      directory.failure = new IllegalStateException("cannot reach the chain at http://127.0.0.1:1");

      assertThatThrownBy(() -> alice.canMessage(bob.address()))
          .isInstanceOfSatisfying(XmtpException.class,
              e -> assertThat(e.kind()).isEqualTo(XmtpException.Kind.DIRECTORY_UNAVAILABLE))
          .hasMessageContaining(bob.address()).hasMessageContaining("http://127.0.0.1:1");
      assertThatThrownBy(() -> alice.conversations().list()).isInstanceOf(XmtpException.class)
          .hasMessageContaining("cannot read the identity directory");
    }
  }

  @Test
  void shouldRejectAMalformedIdentityKeyInAnEntry() {
    assertThatThrownBy(() -> new DirectoryEntry("0x0000000000000000000000000000000000000001", new byte[33], "t",
        InvitePolicy.OPEN, BigInteger.ZERO, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65-byte");
  }
}
