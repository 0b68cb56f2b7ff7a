package org.xmtpj.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Map;
import org.xmtp.proto.message.contents.InvitationV1;
import org.xmtp.proto.message.contents.SealedInvitation;
import org.xmtp.proto.message.contents.SealedInvitationHeaderV1;
import org.xmtp.proto.message.contents.SealedInvitationV1;
import org.xmtpj.crypto.Hkdf;

/** V2 invitations: the sealed envelope that gives both parties a conversation's topic and key material. */
final class Invitations {
  private static final byte[] KEY_SALT = "__XMTP__INVITATION__SALT__XMTP__".getBytes(StandardCharsets.UTF_8);

  private Invitations() {}

  /** What an opened invitation says, with the peer seen from the reader's side. */
  record Opened(String topic, byte[] keyMaterial, String conversationId, Map<String, String> metadata,
      String peerAddress, long createdNs) {}

  /** The invitation a creator sends: topic and key material derived from the 3DH secret of the two users. */
  static InvitationV1 create(PrivateIdentity me, PeerKeys peer, String conversationId,
      Map<String, String> metadata) {
    boolean recipient = me.address().compareTo(peer.address()) < 0;
    byte[] secret = ThreeDh.secret(me, peer.identityKey(), peer.preKey(), recipient);
    String low = recipient ? me.address() : peer.address();
    String high = recipient ? peer.address() : me.address();
    String topic = Topics.conversation(secret, conversationId, low, high);
    byte[] keyMaterial = keyMaterial(secret, low, high);
    InvitationV1.Builder invitation = InvitationV1.newBuilder()
        .setTopic(topic)
        .setAes256GcmHkdfSha256(InvitationV1.Aes256gcmHkdfsha256.newBuilder()
            .setKeyMaterial(ByteString.copyFrom(keyMaterial)));
    if (conversationId != null) {
      invitation.setContext(InvitationV1.Context.newBuilder()
          .setConversationId(conversationId).putAllMetadata(metadata));
    }
    return invitation.build();
  }

  static byte[] keyMaterial(byte[] secret, String low, String high) {
    byte[] info = ("0|" + low + "|" + high).getBytes(StandardCharsets.UTF_8);
    return Hkdf.sha256(secret, KEY_SALT, info, 32);
  }

  /** Seals an invitation for the creator and the peer alike: both open it with the same 3DH secret. */
  static byte[] seal(PrivateIdentity me, PeerKeys peer, InvitationV1 invitation, long createdNs,
      SecureRandom random) {
    byte[] header = SealedInvitationHeaderV1.newBuilder()
        .setSender(me.signedBundle())
        .setRecipient(peer.bundle())
        .setCreatedNs(createdNs)
        .build().toByteArray();
    byte[] secret = ThreeDh.secret(me, peer.identityKey(), peer.preKey(), false);
    return SealedInvitation.newBuilder()
        .setV1(SealedInvitationV1.newBuilder()
            .setHeaderBytes(ByteString.copyFrom(header))
            .setCiphertext(Ciphertexts.seal(secret, invitation.toByteArray(), header, random)))
        .build().toByteArray();
  }

  /** Opens an invitation found on the reader's invite topic, checking everything xmtp-js checks. */
  static Opened open(PrivateIdentity me, byte[] message, long envelopeTimestampNs) throws InvalidDataException {
    SealedInvitationV1 sealed;
    SealedInvitationHeaderV1 header;
    try {
      SealedInvitation invitation = SealedInvitation.parseFrom(message);
      if (!invitation.hasV1()) {
        throw new InvalidDataException("not a v1 sealed invitation");
      }
      sealed = invitation.getV1();
      header = SealedInvitationHeaderV1.parseFrom(sealed.getHeaderBytes());
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("invitation does not decode", e);
    }
    if (header.getCreatedNs() != envelopeTimestampNs) {
      throw new InvalidDataException("envelope and header timestamp mismatch");
    }
    PeerKeys sender = ContactBundles.verify(header.getSender());
    PeerKeys recipient = ContactBundles.verify(header.getRecipient());
    boolean iAmSender = me.isMyIdentity(header.getSender().getIdentityKey());
    if (!iAmSender && !me.isMyIdentity(header.getRecipient().getIdentityKey())) {
      throw new InvalidDataException("invitation is addressed to another identity");
    }
    PeerKeys peer = iAmSender ? recipient : sender;
    byte[] secret = ThreeDh.secret(me, peer.identityKey(), peer.preKey(), !iAmSender);
    byte[] plain = Ciphertexts.open(sealed.getCiphertext(), secret, sealed.getHeaderBytes().toByteArray());
    InvitationV1 invitation;
    try {
      invitation = InvitationV1.parseFrom(plain);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidDataException("invitation body does not decode", e);
    }
    if (!Topics.isConversation(invitation.getTopic())) {
      throw new InvalidDataException("invitation names an invalid topic");
    }
    byte[] keyMaterial = invitation.getAes256GcmHkdfSha256().getKeyMaterial().toByteArray();
    if (keyMaterial.length != 32) {
      throw new InvalidDataException("invitation key material is not 32 bytes");
    }
    String conversationId = invitation.hasContext() ? invitation.getContext().getConversationId() : null;
    Map<String, String> metadata = invitation.hasContext() ? invitation.getContext().getMetadataMap() : Map.of();
    return new Opened(invitation.getTopic(), keyMaterial, conversationId == null || conversationId.isEmpty()
        ? null : conversationId, Map.copyOf(metadata), peer.address(), header.getCreatedNs());
  }
}
