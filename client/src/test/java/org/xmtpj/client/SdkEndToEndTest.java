package org.xmtpj.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xmtp.proto.message.api.v1.Envelope;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Secp256k1;

/** The SDK against a real node, over the HTTP gateway and over gRPC. */
class SdkEndToEndTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  @TempDir
  static Path dir;
  static LocalNode node;

  @BeforeAll
  static void start() throws Exception {
    node = new LocalNode(dir);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  static byte[] newWallet() {
    return Secp256k1.generatePrivateKey(RANDOM);
  }

  static XmtpClient client(String transport, byte[] wallet) {
    return XmtpClient.builder(Signer.privateKey(wallet)).node(node.url(transport)).build();
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldExchangeMessagesInANewConversationBothWays(String transport) throws Exception {
    try (XmtpClient alice = client(transport, newWallet()); XmtpClient bob = client(transport, newWallet());
        XmtpStream<DecodedMessage> bobStream = bob.conversations().streamAllMessages()) {
      Conversation a = alice.conversations().newConversation(bob.address(), "app/1", Map.of("title", "t"));
      a.send("hello bob");
      a.send(Content.text("zipped ".repeat(50)), SendOptions.DEFAULT.withCompression(SendOptions.Compression.GZIP));
      Content custom = new Content(new ContentType("example.org", "number", 2, 1), Map.of("unit", "m"), "42 m",
          new byte[] {42});
      a.send(custom, SendOptions.DEFAULT.withCompression(SendOptions.Compression.DEFLATE));

      List<DecodedMessage> live = List.of(take(bobStream), take(bobStream), take(bobStream));
      assertThat(live).extracting(DecodedMessage::text).containsExactly("hello bob", "zipped ".repeat(50), "42 m");
      assertThat(live.get(2).content()).isEqualTo(custom);
      assertThat(live).extracting(DecodedMessage::senderAddress).containsOnly(alice.address());

      Conversation b = bob.conversations().list().get(0);
      assertThat(b.topic()).isEqualTo(a.topic());
      assertThat(b.conversationId()).isEqualTo("app/1");
      assertThat(b.metadata()).containsEntry("title", "t");
      assertThat(b.peerAddress()).isEqualTo(alice.address());
      b.send("hi alice");
      MessageList all = a.messages();
      assertThat(all.messages()).extracting(DecodedMessage::text).last().isEqualTo("hi alice");
      assertThat(all.messages()).hasSize(4);
      assertThat(a.messages(ListOptions.latest(2)).messages()).extracting(DecodedMessage::text)
          .containsExactly("hi alice", "42 m");
      assertThat(alice.conversations().newConversation(bob.address(), "app/1", Map.of()).topic()).isEqualTo(a.topic());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldSkipTamperedEnvelopesWithAReason(String transport) throws Exception {
    try (XmtpClient alice = client(transport, newWallet()); XmtpClient bob = client(transport, newWallet())) {
      Conversation a = alice.conversations().newConversation(bob.address());
      a.send("real");
      Envelope junk = IdentitySetup.envelope(a.topic(), System.currentTimeMillis() * 1_000_000L, new byte[] {1, 2, 3});
      alice.conversations().newConversation(bob.address()); // same conversation, no new invitation
      NodeApiAccess.publish(alice, junk);
      MessageList list = bob.conversations().list().get(0).messages();
      assertThat(list.messages()).extracting(DecodedMessage::text).containsExactly("real");
      assertThat(list.skipped()).singleElement().satisfies(s -> assertThat(s.reason()).contains("does not decode"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldKeepIdentityAndConsentOnTheNetworkForANewDevice(String transport) {
    byte[] wallet = newWallet();
    try (XmtpClient first = client(transport, wallet); XmtpClient bob = client(transport, newWallet())) {
      first.conversations().newConversation(bob.address());
      assertThat(first.consent().state(bob.address())).isEqualTo(ConsentState.ALLOWED);
      first.consent().deny(bob.address());
      try (XmtpClient second = client(transport, wallet)) {
        assertThat(second.identityKey()).isEqualTo(first.identityKey());
        assertThat(second.consent().state(bob.address())).isEqualTo(ConsentState.DENIED);
        assertThat(second.conversations().list()).extracting(Conversation::peerAddress).containsExactly(bob.address());
      }
      try (XmtpClient restored = XmtpClient.fromKeyBundle(first.exportKeyBundle()).node(node.url(transport)).build()) {
        assertThat(restored.address()).isEqualTo(first.address());
        assertThat(restored.consent().state(bob.address().toLowerCase())).isEqualTo(ConsentState.DENIED);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldStartFromTheNewestUsableKeyBundleWhenJunkSitsOnTopOfThePrivateStore(String transport) throws Exception {
    byte[] wallet = newWallet();
    try (XmtpClient first = client(transport, wallet)) {
      String topic = Topics.privateStore(first.address());
      // junk written with the owner's own token (a replayed token can do no more), dated after the real bundle
      for (int i = 0; i < 3; i++) {
        NodeApiAccess.publish(first, IdentitySetup.envelope(topic, System.currentTimeMillis() * 1_000_000L + i,
            new byte[] {9, 9, (byte) i}));
      }
      try (XmtpClient second = client(transport, wallet)) {
        assertThat(second.identityKey()).isEqualTo(first.identityKey());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldAnswerCanMessageSinglyAndInBatches(String transport) {
    String stranger = Ethereum.address(Secp256k1.publicKeyUncompressed(newWallet()));
    try (XmtpClient alice = client(transport, newWallet()); XmtpClient bob = client(transport, newWallet())) {
      assertThat(alice.canMessage(bob.address().toLowerCase())).isTrue();
      assertThat(alice.canMessage(stranger)).isFalse();
      assertThat(alice.canMessage(List.of(bob.address(), stranger)))
          .containsExactly(Map.entry(bob.address(), true), Map.entry(stranger, false));
      assertThatThrownBy(() -> alice.conversations().newConversation(stranger))
          .isInstanceOf(XmtpException.class)
          .satisfies(e -> assertThat(((XmtpException) e).kind()).isEqualTo(XmtpException.Kind.NOT_ON_NETWORK))
          .hasMessageContaining("no XMTP identity");
      assertThatThrownBy(() -> alice.conversations().newConversation("0x1234"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("malformed address");
      assertThatThrownBy(() -> alice.conversations().newConversation(alice.address()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yourself");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:1", "grpc://127.0.0.1:1"})
  void shouldNameAnUnreachableNode(String url) {
    assertThatThrownBy(() -> XmtpClient.builder(Signer.privateKey(newWallet())).node(url)
        .callTimeout(Duration.ofSeconds(2)).build())
        .isInstanceOf(XmtpException.class)
        .satisfies(e -> assertThat(((XmtpException) e).kind()).isEqualTo(XmtpException.Kind.NODE_UNREACHABLE))
        .hasMessageContaining("cannot reach the node at");
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldDeliverThroughTheAsyncView(String transport) throws Exception {
    try (XmtpClient alice = client(transport, newWallet());
        XmtpClient bob = XmtpClient.builder(Signer.privateKey(newWallet())).node(node.url(transport)).buildAsync()
            .get()) {
      java.util.concurrent.BlockingQueue<DecodedMessage> got = new java.util.concurrent.LinkedBlockingQueue<>();
      try (AutoCloseable sub = bob.async().streamAllMessages(got::add, Throwable::printStackTrace).get()) {
        Conversation c = alice.async().newConversation(bob.address()).get();
        alice.async().send(c, "async hi").get();
        DecodedMessage m = got.poll(20, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(m).isNotNull();
        assertThat(m.text()).isEqualTo("async hi");
      }
      assertThat(bob.async().consentState(alice.address()).get()).isEqualTo(ConsentState.UNKNOWN);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldRelayEphemeralMessagesLiveWithoutStoringThem(String transport) throws Exception {
    try (XmtpClient alice = client(transport, newWallet()); XmtpClient bob = client(transport, newWallet())) {
      Conversation a = alice.conversations().newConversation(bob.address());
      Conversation b = bob.conversations().list().get(0);
      try (XmtpStream<DecodedMessage> live = b.streamEphemeral()) {
        a.send(Content.text("typing..."), SendOptions.DEFAULT.withEphemeral(true));
        DecodedMessage m = take(live);
        assertThat(m.text()).isEqualTo("typing...");
        assertThat(m.senderAddress()).isEqualTo(alice.address());
      }
      a.send("stored");
      assertThat(b.messages().messages()).extracting(DecodedMessage::text).containsExactly("stored");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "grpc"})
  void shouldEndOpenStreamsWhenTheClientCloses(String transport) throws Exception {
    XmtpClient alice = client(transport, newWallet());
    XmtpStream<DecodedMessage> all = alice.conversations().streamAllMessages();
    alice.close();
    // poll returns the moment the stream ends: its end marker is queued after it stops counting as open, so no
    // wait is guessed (the 10 s only bound a stream that never closes, which then fails the first assertion)
    assertThatThrownBy(() -> all.poll(Duration.ofSeconds(10))).isInstanceOf(XmtpException.class)
        .hasMessageContaining("closed");
    assertThat(all.isOpen()).isFalse();
    assertThatThrownBy(() -> all.poll(Duration.ofSeconds(1))).as("still closed for the next reader")
        .isInstanceOf(XmtpException.class).hasMessageContaining("closed");
  }

  static DecodedMessage take(XmtpStream<DecodedMessage> s) throws InterruptedException {
    DecodedMessage m = s.poll(Duration.ofSeconds(20));
    assertThat(m).as("a message within 20 s; skipped: %s", s.drainSkipped()).isNotNull();
    return m;
  }

  /** Reaches into the client to publish raw bytes, as a misbehaving sender would. */
  static final class NodeApiAccess {
    static void publish(XmtpClient c, Envelope e) throws Exception {
      var f = XmtpClient.class.getDeclaredField("ctx");
      f.setAccessible(true);
      ((ClientContext) f.get(c)).api().publish(List.of(e.toBuilder().setMessage(ByteString.copyFrom(
          e.getMessage().toByteArray())).build()));
    }
  }
}
