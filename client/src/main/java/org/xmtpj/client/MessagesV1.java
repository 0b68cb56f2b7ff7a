package org.xmtpj.client;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;
import java.util.HexFormat;
import org.xmtp.proto.message.contents.EncodedContent;
import org.xmtp.proto.message.contents.Message;
import org.xmtp.proto.message.contents.MessageHeaderV1;
import org.xmtpj.crypto.Sha256;

/**
 * Legacy V1 direct messages (read-only): encrypted under the 3DH secret of the two parties' legacy keys named in
 * the header, with the header as associated data; no per-message signature (the key bundles are signed).
 */
final class MessagesV1 {
  private MessagesV1() {}

  /** A decrypted V1 message and the other party of it. */
  record Read(DecodedMessage message, String peerAddress) {}

  static Read decode(PrivateIdentity me, String topic, byte[] envelopeMessage) throws InvalidDataException {
    Message message;
    MessageHeaderV1 header;
    try {
      message = Message.parseFrom(envelopeMessage);
      if (!message.hasV1()) {
        throw new InvalidDataException("not a V1 message");
      }
      header = MessageHeaderV1.parseFrom(message.getV1().getHeaderBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("message does not decode", e);
    }
    PeerKeys sender = ContactBundles.verify(ContactBundles.toSigned(header.getSender()));
    PeerKeys recipient = ContactBundles.verify(ContactBundles.toSigned(header.getRecipient()));
    boolean iAmSender = Arrays.equals(sender.identityKey(), me.identityPublicKey());
    if (!iAmSender && !Arrays.equals(recipient.identityKey(), me.identityPublicKey())) {
      throw new InvalidDataException("message is between two other users");
    }
    if (!Arrays.equals(iAmSender ? sender.preKey() : recipient.preKey(), me.preKeyPublicKey())) {
      throw new InvalidDataException("message was encrypted to a pre-key this client does not hold");
    }
    PeerKeys peer = iAmSender ? recipient : sender;
    byte[] secret = ThreeDh.secret(me, peer.identityKey(), peer.preKey(), !iAmSender);
    byte[] plain = Ciphertexts.open(message.getV1().getCiphertext(), secret,
        message.getV1().getHeaderBytes().toByteArray());
    EncodedContent content;
    try {
      content = EncodedContent.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("content does not decode", e);
    }
    String id = HexFormat.of().formatHex(Sha256.hash(envelopeMessage));
    DecodedMessage decoded = new DecodedMessage(id, topic, sender.address(), header.getTimestamp() * 1_000_000L,
        ContentCodec.decode(content));
    return new Read(decoded, peer.address());
  }

  /** The legacy direct-message topic of two addresses (EIP-55, sorted as strings). */
  static String dmTopic(String a, String b) {
    String low = a.compareTo(b) < 0 ? a : b;
    String high = a.compareTo(b) < 0 ? b : a;
    return "/xmtp/0/dm-" + low + "-" + high + "/proto";
  }
}
