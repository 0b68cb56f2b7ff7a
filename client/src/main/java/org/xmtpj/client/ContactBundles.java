package org.xmtpj.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xmtp.proto.message.contents.ContactBundle;
import org.xmtp.proto.message.contents.ContactBundleV1;
import org.xmtp.proto.message.contents.ContactBundleV2;
import org.xmtp.proto.message.contents.PublicKey;
import org.xmtp.proto.message.contents.PublicKeyBundle;
import org.xmtp.proto.message.contents.SignedPublicKey;
import org.xmtp.proto.message.contents.SignedPublicKeyBundle;

/** Contact bundles: what a user publishes so others can reach them, and the checks every reader must make. */
final class ContactBundles {
  private ContactBundles() {}

  static byte[] v1(PrivateIdentity me) {
    return ContactBundle.newBuilder()
        .setV1(ContactBundleV1.newBuilder().setKeyBundle(me.legacyBundle()))
        .build().toByteArray();
  }

  static byte[] v2(PrivateIdentity me) {
    return ContactBundle.newBuilder()
        .setV2(ContactBundleV2.newBuilder().setKeyBundle(me.signedBundle()))
        .build().toByteArray();
  }

  /** The result of reading one contact envelope: its keys and whether it was the v2 form. */
  record Contact(PeerKeys keys, boolean v2) {}

  /** Decodes and verifies a contact envelope's bytes; very old clients published a bare PublicKeyBundle. */
  static Contact read(byte[] message) throws InvalidDataException {
    ContactBundle bundle;
    try {
      bundle = ContactBundle.parseFrom(message);
    } catch (InvalidProtocolBufferException e) {
      bundle = ContactBundle.getDefaultInstance();
    }
    if (bundle.hasV2()) {
      return new Contact(verify(bundle.getV2().getKeyBundle()), true);
    }
    if (bundle.hasV1()) {
      return new Contact(verify(toSigned(bundle.getV1().getKeyBundle())), false);
    }
    try {
      PublicKeyBundle bare = PublicKeyBundle.parseFrom(message);
      if (bare.hasIdentityKey() && bare.hasPreKey()) {
        return new Contact(verify(toSigned(bare)), false);
      }
    } catch (InvalidProtocolBufferException e) {
      // fall through to the error below
    }
    throw new InvalidDataException("not a contact bundle");
  }

  /**
   * The V2 form of legacy keys, as xmtp-js converts them: key_bytes are the unsigned legacy key bytes; the
   * wallet's signature on the identity key moves to wallet_ecdsa_compact, the pre-key keeps ecdsa_compact.
   */
  static SignedPublicKeyBundle toSigned(PublicKeyBundle legacy) {
    PublicKey id = legacy.getIdentityKey();
    PublicKey pre = legacy.getPreKey();
    SignedPublicKey.Builder identity = SignedPublicKey.newBuilder().setKeyBytes(unsignedBytes(id).toByteString());
    if (id.getSignature().hasEcdsaCompact()) {
      var s = id.getSignature().getEcdsaCompact();
      identity.setSignature(org.xmtp.proto.message.contents.Signature.newBuilder()
          .setWalletEcdsaCompact(org.xmtp.proto.message.contents.Signature.WalletECDSACompact.newBuilder()
              .setBytes(s.getBytes()).setRecovery(s.getRecovery())));
    } else {
      identity.setSignature(id.getSignature());
    }
    SignedPublicKey preKey = SignedPublicKey.newBuilder()
        .setKeyBytes(unsignedBytes(pre).toByteString())
        .setSignature(pre.getSignature())
        .build();
    return SignedPublicKeyBundle.newBuilder().setIdentityKey(identity).setPreKey(preKey).build();
  }

  private static PublicKey unsignedBytes(PublicKey key) {
    return key.toBuilder().clearSignature().build();
  }

  /**
   * Bundles already verified, by their encoding. Verification is a pure function of the bytes and costs two
   * signature checks (a public-key recovery and a verify, ~0.6 ms); every message carries its sender's bundle, and
   * a conversation's messages carry the same one, so this cache takes most of the cost out of reading messages.
   */
  private static final int VERIFIED_CAPACITY = 4096;
  private static final Map<ByteString, PeerKeys> VERIFIED = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<ByteString, PeerKeys> eldest) {
      return size() > VERIFIED_CAPACITY;
    }
  };

  /** Verifies the wallet's signature on the identity key and the identity key's on the pre-key. */
  static PeerKeys verify(SignedPublicKeyBundle bundle) throws InvalidDataException {
    ByteString key = bundle.toByteString();
    synchronized (VERIFIED) {
      PeerKeys known = VERIFIED.get(key);
      if (known != null) {
        return known;
      }
    }
    PeerKeys verified = verifyUncached(bundle);
    synchronized (VERIFIED) {
      VERIFIED.put(key, verified);
    }
    return verified;
  }

  private static PeerKeys verifyUncached(SignedPublicKeyBundle bundle) throws InvalidDataException {
    if (!bundle.hasIdentityKey() || !bundle.hasPreKey()) {
      throw new InvalidDataException("key bundle lacks an identity key or a pre-key");
    }
    byte[] identityBytes = bundle.getIdentityKey().getKeyBytes().toByteArray();
    byte[] preBytes = bundle.getPreKey().getKeyBytes().toByteArray();
    byte[] identityKey = KeySignatures.publicKeyOf(identityBytes);
    byte[] preKey = KeySignatures.publicKeyOf(preBytes);
    String address = KeySignatures.walletAddress(identityBytes, bundle.getIdentityKey().getSignature());
    KeySignatures.verifyKeySignature(identityKey, preBytes, bundle.getPreKey().getSignature());
    return new PeerKeys(address, identityKey, preKey, bundle);
  }
}
