package org.xmtpj.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xmtp.proto.message.contents.Message;
import org.xmtp.proto.message.contents.MessageHeaderV1;
import org.xmtp.proto.message.contents.MessageV1;
import org.xmtpj.crypto.Secp256k1;

/** Reading legacy V1 conversations, written the way xmtp-js's encodeV1 writes them (wire spec §6.6). */
class LegacyV1Test {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A V1 message as xmtp-js sends it: header with both legacy bundles, 3DH in the sender role, header as AAD. */
  static byte[] encodeV1(PrivateIdentity sender, PrivateIdentity recipient, String text, long ms) {
    byte[] header = MessageHeaderV1.newBuilder()
        .setSender(sender.legacyBundle()).setRecipient(recipient.legacyBundle()).setTimestamp(ms)
        .build().toByteArray();
    byte[] secret = ThreeDh.secret(sender, recipient.identityPublicKey(), recipient.preKeyPublicKey(), false);
    byte[] content = ContentCodec.encode(Content.text(text), SendOptions.Compression.NONE).toByteArray();
    return Message.newBuilder().setV1(MessageV1.newBuilder()
        .setHeaderBytes(ByteString.copyFrom(header))
        .setCiphertext(Ciphertexts.seal(secret, content, header, RANDOM))).build().toByteArray();
  }

  static ClientContext ctx(XmtpClient c) throws Exception {
    Field f = XmtpClient.class.getDeclaredField("ctx");
    f.setAccessible(true);
    return (ClientContext) f.get(c);
  }

  @Test
  void shouldListAndReadLegacyConversationsFromBothSides(@TempDir Path dir) throws Exception {
    try (LocalNode node = new LocalNode(dir);
        XmtpClient alice = XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(RANDOM)))
            .node(node.url("http")).build();
        XmtpClient bob = XmtpClient.builder(Signer.privateKey(Secp256k1.generatePrivateKey(RANDOM)))
            .node(node.url("http")).build()) {
      PrivateIdentity a = ctx(alice).me();
      PrivateIdentity b = ctx(bob).me();
      long now = System.currentTimeMillis();
      byte[] first = encodeV1(a, b, "legacy hello", now);
      String dm = MessagesV1.dmTopic(alice.address(), bob.address());
      // xmtp-js's first V1 send goes to both intro topics and the dm topic in one publish
      ctx(alice).api().publish(List.of(
          IdentitySetup.envelope(Topics.intro(bob.address()), now * 1_000_000L, first),
          IdentitySetup.envelope(Topics.intro(alice.address()), now * 1_000_000L, first),
          IdentitySetup.envelope(dm, now * 1_000_000L, first)));
      ctx(alice).api().publish(List.of(IdentitySetup.envelope(dm, (now + 1) * 1_000_000L,
          encodeV1(a, b, "second", now + 1))));
      ctx(alice).api().publish(List.of(IdentitySetup.envelope(dm, (now + 2) * 1_000_000L, new byte[] {9, 9})));

      List<LegacyConversation> atBob = bob.conversations().listLegacy();
      assertThat(atBob).extracting(LegacyConversation::peerAddress).containsExactly(alice.address());
      MessageList read = atBob.get(0).messages(ListOptions.ALL);
      assertThat(read.messages()).extracting(DecodedMessage::text).containsExactly("legacy hello", "second");
      assertThat(read.messages()).extracting(DecodedMessage::senderAddress).containsOnly(alice.address());
      assertThat(read.messages().get(0).sentNs()).isEqualTo(now * 1_000_000L);
      assertThat(read.skipped()).hasSize(1);

      LegacyConversation atAlice = alice.conversations().listLegacy().get(0);
      assertThat(atAlice.peerAddress()).isEqualTo(bob.address());
      assertThat(atAlice.topic()).isEqualTo(dm);
      // newest first: the junk envelope is the newest, so a page of 2 holds it (skipped) and "second"
      MessageList latest = atAlice.messages(ListOptions.latest(2));
      assertThat(latest.messages()).extracting(DecodedMessage::text).containsExactly("second");
      assertThat(latest.skipped()).singleElement().satisfies(s -> assertThat(s.reason()).contains("does not decode"));
    }
  }
}
