package org.xmtpj.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.xmtp.proto.message.contents.EncodedContent;
import org.xmtp.proto.message.contents.Message;
import org.xmtp.proto.message.contents.MessageHeaderV2;
import org.xmtp.proto.message.contents.MessageV2;
import org.xmtp.proto.message.contents.SignedContent;
import org.xmtpj.crypto.Hkdf;
import org.xmtpj.crypto.Hmac;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.Sha256;

/** V2 conversation messages: signed by the sender's pre-key, then encrypted under the conversation's key material. */
final class MessagesV2 {
  private static final long THIRTY_DAYS_MS = 30L * 24 * 60 * 60 * 1000;

  private MessagesV2() {}

  static byte[] encode(PrivateIdentity me, String topic, byte[] keyMaterial, EncodedContent content, long createdNs,
      boolean shouldPush, SecureRandom random) {
    byte[] header = MessageHeaderV2.newBuilder().setCreatedNs(createdNs).setTopic(topic).build().toByteArray();
    byte[] payload = content.toByteArray();
    RecoverableSignature signature = me.signWithPreKey(concat(header, payload));
    byte[] signed = SignedContent.newBuilder()
        .setPayload(ByteString.copyFrom(payload))
        .setSender(me.signedBundle())
        .setSignature(KeySignatures.ecdsaCompact(signature))
        .build().toByteArray();
    long nowMs = createdNs / 1_000_000;
    byte[] hmac = Hmac.sha256(hmacKey(keyMaterial, nowMs, me.address()), header);
    return Message.newBuilder()
        .setV2(MessageV2.newBuilder()
            .setHeaderBytes(ByteString.copyFrom(header))
            .setCiphertext(Ciphertexts.seal(keyMaterial, signed, header, random))
            .setSenderHmac(ByteString.copyFrom(hmac))
            .setShouldPush(shouldPush))
        .build().toByteArray();
  }

  /** The key push servers use to check that a sender belongs to a conversation, rotated every 30 days. */
  static byte[] hmacKey(byte[] keyMaterial, long nowMs, String senderAddress) {
    byte[] info = ((nowMs / THIRTY_DAYS_MS) + "-" + senderAddress).getBytes(StandardCharsets.UTF_8);
    return Hkdf.sha256(keyMaterial, new byte[0], info, 32);
  }

  /** Decrypts and verifies; every reason to reject is an {@link InvalidDataException} with the reason. */
  static DecodedMessage decode(String topic, byte[] keyMaterial, byte[] envelopeMessage, String me, String peer)
      throws InvalidDataException {
    MessageV2 v2;
    MessageHeaderV2 header;
    try {
      Message message = Message.parseFrom(envelopeMessage);
      if (!message.hasV2()) {
        throw new InvalidDataException("not a V2 message");
      }
      v2 = message.getV2();
      header = MessageHeaderV2.parseFrom(v2.getHeaderBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("message does not decode", e);
    }
    if (!header.getTopic().equals(topic) && !header.getTopic().equals(Topics.ephemeral(topic))) {
      throw new InvalidDataException("message header names another topic");
    }
    byte[] headerBytes = v2.getHeaderBytes().toByteArray();
    byte[] plain = Ciphertexts.open(v2.getCiphertext(), keyMaterial, headerBytes);
    SignedContent signed;
    EncodedContent content;
    try {
      signed = SignedContent.parseFrom(plain);
      content = EncodedContent.parseFrom(signed.getPayload());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("signed content does not decode", e);
    }
    PeerKeys sender = ContactBundles.verify(signed.getSender());
    RecoverableSignature s = KeySignatures.recoverable(signed.getSignature());
    if (!Secp256k1.verify(sender.preKey(), Sha256.hash(concat(headerBytes, signed.getPayload().toByteArray())),
        s.rs())) {
      throw new InvalidDataException("message signature does not verify");
    }
    if (!sender.address().equals(me) && !sender.address().equals(peer)) {
      throw new InvalidDataException("sender " + sender.address() + " is not a party to this conversation");
    }
    if (v2.hasSenderHmac()) {
      verifyHmac(v2.getSenderHmac().toByteArray(), keyMaterial, header.getCreatedNs(), sender.address(), headerBytes);
    }
    String id = HexFormat.of().formatHex(Sha256.hash(envelopeMessage));
    return new DecodedMessage(id, topic, sender.address(), header.getCreatedNs(), ContentCodec.decode(content));
  }

  /**
   * The sender takes its clock twice (header time, then HMAC period), so a message sent at a 30-day boundary may
   * carry the next period's HMAC; both are accepted.
   */
  private static void verifyHmac(byte[] hmac, byte[] keyMaterial, long createdNs, String sender, byte[] header)
      throws InvalidDataException {
    long createdMs = createdNs / 1_000_000;
    for (long ms : new long[] {createdMs, createdMs + 60_000}) {
      if (java.security.MessageDigest.isEqual(hmac, Hmac.sha256(hmacKey(keyMaterial, ms, sender), header))) {
        return;
      }
    }
    throw new InvalidDataException("sender HMAC does not match");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
