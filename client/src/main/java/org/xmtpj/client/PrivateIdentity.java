package org.xmtpj.client;

import com.google.protobuf.ByteString;
import java.security.SecureRandom;
import java.util.Arrays;
import org.xmtp.proto.message.contents.PrivateKey;
import org.xmtp.proto.message.contents.PrivateKeyBundle;
import org.xmtp.proto.message.contents.PrivateKeyBundleV1;
import org.xmtp.proto.message.contents.PublicKey;
import org.xmtp.proto.message.contents.PublicKeyBundle;
import org.xmtp.proto.message.contents.SignedPublicKey;
import org.xmtp.proto.message.contents.SignedPublicKeyBundle;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.Sha256;

/**
 * A user's XMTP keys: the identity key (vouched for by the wallet) and the current pre-key (signed by the identity
 * key), in the legacy V1 layout that xmtp-js 13 stores and publishes.
 */
final class PrivateIdentity {
  private final byte[] identityPrivate;
  private final PublicKey identityPublic;
  private final byte[] preKeyPrivate;
  private final PublicKey preKeyPublic;
  private final String address;
  private final SignedPublicKeyBundle signedBundle;

  private PrivateIdentity(byte[] identityPrivate, PublicKey identityPublic, byte[] preKeyPrivate,
      PublicKey preKeyPublic, String address) {
    this.identityPrivate = identityPrivate;
    this.identityPublic = identityPublic;
    this.preKeyPrivate = preKeyPrivate;
    this.preKeyPublic = preKeyPublic;
    this.address = address;
    this.signedBundle = ContactBundles.toSigned(PublicKeyBundle.newBuilder()
        .setIdentityKey(identityPublic).setPreKey(preKeyPublic).build());
  }

  /** Creates fresh keys; the wallet signs the Create-Identity text once. */
  static PrivateIdentity create(Signer wallet, long nowMs, SecureRandom random) {
    return fromKeys(wallet, Secp256k1.generatePrivateKey(random), nowMs, Secp256k1.generatePrivateKey(random), nowMs);
  }

  /** Builds and signs the public halves of given private keys (timestamps in ms, as the legacy keys carry them). */
  static PrivateIdentity fromKeys(Signer wallet, byte[] identityPrivate, long identityTimestampMs,
      byte[] preKeyPrivate, long preKeyTimestampMs) {
    PublicKey unsignedIdentity =
        KeySignatures.unsignedLegacy(identityTimestampMs, Secp256k1.publicKeyUncompressed(identityPrivate));
    RecoverableSignature walletSignature = KeySignatures.fromWallet(
        wallet.signPersonalMessage(KeySignatures.createIdentityText(unsignedIdentity.toByteArray())));
    PublicKey identityPublic =
        unsignedIdentity.toBuilder().setSignature(KeySignatures.ecdsaCompact(walletSignature)).build();

    PublicKey unsignedPre =
        KeySignatures.unsignedLegacy(preKeyTimestampMs, Secp256k1.publicKeyUncompressed(preKeyPrivate));
    RecoverableSignature preSignature = Secp256k1.sign(identityPrivate, Sha256.hash(unsignedPre.toByteArray()));
    PublicKey preKeyPublic = unsignedPre.toBuilder().setSignature(KeySignatures.ecdsaCompact(preSignature)).build();

    PrivateIdentity identity = fromParts(identityPrivate, identityPublic, preKeyPrivate, preKeyPublic);
    if (!identity.address.equalsIgnoreCase(wallet.address())) {
      throw new XmtpException(XmtpException.Kind.IDENTITY, "the wallet's signature recovers " + identity.address
          + ", not the wallet's address " + wallet.address());
    }
    return identity;
  }

  /** Loads keys from a stored bundle, re-checking every signature and that the private keys match. */
  static PrivateIdentity fromBundle(PrivateKeyBundle bundle) throws InvalidDataException {
    if (!bundle.hasV1()) {
      throw new InvalidDataException("unsupported private key bundle version (only v1 is stored by xmtp-js 13)");
    }
    PrivateKeyBundleV1 v1 = bundle.getV1();
    if (!v1.hasIdentityKey() || v1.getPreKeysCount() == 0) {
      throw new InvalidDataException("private key bundle lacks an identity key or a pre-key");
    }
    PrivateKey identity = v1.getIdentityKey();
    PrivateKey pre = v1.getPreKeys(0);
    return fromParts(privateBytes(identity), identity.getPublicKey(), privateBytes(pre), pre.getPublicKey());
  }

  private static PrivateIdentity fromParts(byte[] identityPrivate, PublicKey identityPublic, byte[] preKeyPrivate,
      PublicKey preKeyPublic) {
    try {
      checkPair(identityPrivate, identityPublic, "identity");
      checkPair(preKeyPrivate, preKeyPublic, "pre-key");
      PublicKeyBundle bundle =
          PublicKeyBundle.newBuilder().setIdentityKey(identityPublic).setPreKey(preKeyPublic).build();
      String address = ContactBundles.verify(ContactBundles.toSigned(bundle)).address();
      return new PrivateIdentity(identityPrivate, identityPublic, preKeyPrivate, preKeyPublic, address);
    } catch (InvalidDataException e) {
      throw new XmtpException(XmtpException.Kind.IDENTITY, "key bundle is invalid: " + e.getMessage(), e);
    }
  }

  private static void checkPair(byte[] privateKey, PublicKey publicKey, String what) throws InvalidDataException {
    byte[] derived = Secp256k1.publicKeyUncompressed(privateKey);
    if (!Arrays.equals(derived, publicKey.getSecp256K1Uncompressed().getBytes().toByteArray())) {
      throw new InvalidDataException(what + " private key does not match its public key");
    }
  }

  private static byte[] privateBytes(PrivateKey key) throws InvalidDataException {
    byte[] bytes = key.getSecp256K1().getBytes().toByteArray();
    if (bytes.length != 32) {
      throw new InvalidDataException("private key is not 32 bytes");
    }
    return bytes;
  }

  PrivateKeyBundle toBundle() {
    return PrivateKeyBundle.newBuilder()
        .setV1(PrivateKeyBundleV1.newBuilder()
            .setIdentityKey(privateKey(identityPrivate, identityPublic))
            .addPreKeys(privateKey(preKeyPrivate, preKeyPublic)))
        .build();
  }

  private static PrivateKey privateKey(byte[] secret, PublicKey publicKey) {
    return PrivateKey.newBuilder()
        .setTimestamp(publicKey.getTimestamp())
        .setSecp256K1(PrivateKey.Secp256k1.newBuilder().setBytes(ByteString.copyFrom(secret)))
        .setPublicKey(publicKey)
        .build();
  }

  String address() {
    return address;
  }

  byte[] identityPrivate() {
    return identityPrivate.clone();
  }

  byte[] preKeyPrivate() {
    return preKeyPrivate.clone();
  }

  byte[] identityPublicKey() {
    return identityPublic.getSecp256K1Uncompressed().getBytes().toByteArray();
  }

  byte[] preKeyPublicKey() {
    return preKeyPublic.getSecp256K1Uncompressed().getBytes().toByteArray();
  }

  /** The signed legacy identity key: what auth tokens carry. */
  PublicKey identityPublic() {
    return identityPublic;
  }

  PublicKeyBundle legacyBundle() {
    return PublicKeyBundle.newBuilder().setIdentityKey(identityPublic).setPreKey(preKeyPublic).build();
  }

  SignedPublicKeyBundle signedBundle() {
    return signedBundle;
  }

  /** Signs sha256(data) with the pre-key, as V2 messages are signed. */
  RecoverableSignature signWithPreKey(byte[] data) {
    return Secp256k1.sign(preKeyPrivate, Sha256.hash(data));
  }

  RecoverableSignature signWithIdentity(byte[] hash) {
    return Secp256k1.sign(identityPrivate, hash);
  }

  boolean isMyIdentity(SignedPublicKey key) {
    try {
      return Arrays.equals(KeySignatures.publicKeyOf(key.getKeyBytes().toByteArray()), identityPublicKey());
    } catch (InvalidDataException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "PrivateIdentity[" + address + "]";
  }

  static String checksum(String address) {
    return Ethereum.checksum(address);
  }
}
