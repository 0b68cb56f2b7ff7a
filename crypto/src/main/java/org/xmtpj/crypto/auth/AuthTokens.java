package org.xmtpj.crypto.auth;

import com.google.protobuf.ByteString;
import java.util.Arrays;
import java.util.Base64;
import org.xmtp.proto.message.api.v1.AuthData;
import org.xmtp.proto.message.api.v1.Token;
import org.xmtp.proto.message.contents.PublicKey;
import org.xmtp.proto.message.contents.Signature;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Keccak256;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;

/** Builds publish auth tokens exactly as xmtp-js's {@code LocalAuthenticator.createToken} does; for clients and tests. */
public final class AuthTokens {
  private AuthTokens() {}

  /**
   * Returns the Authorization header value {@code "Bearer <base64 Token>"}.
   *
   * @param walletPrivateKey the wallet (Ethereum account) key that vouches for the identity key
   * @param identityPrivateKey the XMTP identity key that signs the auth data
   * @param identityTimestampMs the identity key's creation time in milliseconds, as in the contact bundle
   * @param createdNs the token's creation time in nanoseconds (xmtp-js uses now_ms × 1e6)
   */
  public static String create(
      byte[] walletPrivateKey, byte[] identityPrivateKey, long identityTimestampMs, long createdNs) {
    ByteString identityPublicKey = ByteString.copyFrom(Secp256k1.publicKeyUncompressed(identityPrivateKey));
    PublicKey unsigned = IdentityKeys.unsignedKey(identityTimestampMs, identityPublicKey);
    String text = IdentityKeys.createIdentityText(unsigned.toByteArray());
    byte[] walletSignature = Ethereum.signPersonal(walletPrivateKey, text);
    // A wallet returns r‖s‖v with v = 27/28; the legacy key keeps r‖s and v − 27 in ecdsa_compact.
    PublicKey identityKey = unsigned.toBuilder()
        .setSignature(ecdsaCompact(Arrays.copyOf(walletSignature, 64), walletSignature[64] - 27))
        .build();

    String walletAddress = Ethereum.address(Secp256k1.publicKeyUncompressed(walletPrivateKey));
    byte[] authData = AuthData.newBuilder().setWalletAddr(walletAddress).setCreatedNs(createdNs).build().toByteArray();
    RecoverableSignature authSignature = Secp256k1.sign(identityPrivateKey, Keccak256.hash(authData));

    Token token = Token.newBuilder()
        .setIdentityKey(identityKey)
        .setAuthDataBytes(ByteString.copyFrom(authData))
        .setAuthDataSignature(ecdsaCompact(authSignature.rs(), authSignature.recoveryId()))
        .build();
    return "Bearer " + Base64.getEncoder().encodeToString(token.toByteArray());
  }

  private static Signature ecdsaCompact(byte[] rs, int recovery) {
    return Signature.newBuilder()
        .setEcdsaCompact(Signature.ECDSACompact.newBuilder().setBytes(ByteString.copyFrom(rs)).setRecovery(recovery))
        .build();
  }
}
