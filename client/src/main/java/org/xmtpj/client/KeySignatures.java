package org.xmtpj.client;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.HexFormat;
import org.xmtp.proto.message.contents.PublicKey;
import org.xmtp.proto.message.contents.Signature;
import org.xmtp.proto.message.contents.UnsignedPublicKey;
import org.xmtpj.crypto.CryptoException;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;
import org.xmtpj.crypto.Sha256;

/** The signature texts and encodings by which wallets vouch for identity keys and identity keys for pre-keys. */
final class KeySignatures {
  private static final String SUFFIX = "\n\nFor more info: https://xmtp.org/signatures/";
  private static final HexFormat HEX = HexFormat.of();

  private KeySignatures() {}

  static String createIdentityText(byte[] keyBytes) {
    return "XMTP : Create Identity\n" + HEX.formatHex(keyBytes) + SUFFIX;
  }

  static String enableIdentityText(byte[] walletPreKey) {
    return "XMTP : Enable Identity\n" + HEX.formatHex(walletPreKey) + SUFFIX;
  }

  /** {@code PublicKey{timestamp, secp256k1_uncompressed}} without a signature: the bytes every signature covers. */
  static PublicKey unsignedLegacy(long timestampMs, byte[] publicKey) {
    return PublicKey.newBuilder()
        .setTimestamp(timestampMs)
        .setSecp256K1Uncompressed(PublicKey.Secp256k1Uncompressed.newBuilder().setBytes(ByteString.copyFrom(publicKey)))
        .build();
  }

  /** Splits a wallet's 65-byte {@code r‖s‖v} into (r‖s, recovery id), accepting v as 0/1 or 27/28. */
  static RecoverableSignature fromWallet(byte[] signature) {
    if (signature == null || signature.length != 65) {
      throw new XmtpException(XmtpException.Kind.IDENTITY,
          "wallet signature must be 65 bytes r||s||v, got " + (signature == null ? "none" : signature.length));
    }
    int v = signature[64] & 0xff;
    int recovery = v >= 27 ? v - 27 : v;
    if (recovery != 0 && recovery != 1) {
      throw new XmtpException(XmtpException.Kind.IDENTITY, "wallet signature has an invalid v byte: " + v);
    }
    return new RecoverableSignature(Arrays.copyOf(signature, 64), recovery);
  }

  static Signature ecdsaCompact(RecoverableSignature s) {
    return Signature.newBuilder()
        .setEcdsaCompact(Signature.ECDSACompact.newBuilder()
            .setBytes(ByteString.copyFrom(s.rs())).setRecovery(s.recoveryId()))
        .build();
  }

  static Signature walletEcdsaCompact(RecoverableSignature s) {
    return Signature.newBuilder()
        .setWalletEcdsaCompact(Signature.WalletECDSACompact.newBuilder()
            .setBytes(ByteString.copyFrom(s.rs())).setRecovery(s.recoveryId()))
        .build();
  }

  /** Either signature form as (r‖s, recovery); legacy keys use ecdsa_compact for the wallet's signature too. */
  static RecoverableSignature recoverable(Signature s) throws InvalidDataException {
    ByteString rs;
    int recovery;
    if (s.hasEcdsaCompact()) {
      rs = s.getEcdsaCompact().getBytes();
      recovery = s.getEcdsaCompact().getRecovery();
    } else if (s.hasWalletEcdsaCompact()) {
      rs = s.getWalletEcdsaCompact().getBytes();
      recovery = s.getWalletEcdsaCompact().getRecovery();
    } else {
      throw new InvalidDataException("signature missing");
    }
    if (rs.size() != 64 || recovery > 1) {
      throw new InvalidDataException("malformed signature");
    }
    return new RecoverableSignature(rs.toByteArray(), recovery);
  }

  /** The wallet address that signed the Create-Identity text over {@code keyBytes}. */
  static String walletAddress(byte[] keyBytes, Signature signature) throws InvalidDataException {
    RecoverableSignature s = recoverable(signature);
    try {
      byte[] wallet = Secp256k1.recoverPublicKey(Ethereum.eip191Hash(createIdentityText(keyBytes)), s);
      return Ethereum.address(wallet);
    } catch (CryptoException e) {
      throw new InvalidDataException("identity key signature does not recover a wallet");
    }
  }

  /** Checks that {@code signerPublicKey} signed sha256(keyBytes), as identity keys sign pre-keys. */
  static void verifyKeySignature(byte[] signerPublicKey, byte[] keyBytes, Signature signature)
      throws InvalidDataException {
    RecoverableSignature s = recoverable(signature);
    if (!Secp256k1.verify(signerPublicKey, Sha256.hash(keyBytes), s.rs())) {
      throw new InvalidDataException("pre-key is not signed by the identity key");
    }
  }

  /** The 65-byte public key inside {@code UnsignedPublicKey} bytes (legacy {@code PublicKey} bytes decode too). */
  static byte[] publicKeyOf(byte[] keyBytes) throws InvalidDataException {
    try {
      UnsignedPublicKey key = UnsignedPublicKey.parseFrom(keyBytes);
      byte[] point = key.getSecp256K1Uncompressed().getBytes().toByteArray();
      if (point.length != 65 || point[0] != 0x04) {
        throw new InvalidDataException("public key is not 65 bytes uncompressed secp256k1");
      }
      return point;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new InvalidDataException("public key does not decode", e);
    }
  }
}
