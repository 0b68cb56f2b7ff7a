package org.xmtpj.client;

import com.google.protobuf.ByteString;
import java.util.Base64;
import org.xmtp.proto.message.api.v1.AuthData;
import org.xmtp.proto.message.api.v1.Token;
import org.xmtpj.crypto.Keccak256;

/**
 * Publish tokens as xmtp-js builds them: the wallet-signed identity key, and AuthData (wallet, time) signed by the
 * identity key. No wallet signature is needed, so tokens can be refreshed without bothering the wallet.
 */
final class AuthTokenFactory {
  private AuthTokenFactory() {}

  static String token(PrivateIdentity identity, long createdNs) {
    byte[] authData = AuthData.newBuilder().setWalletAddr(identity.address()).setCreatedNs(createdNs).build()
        .toByteArray();
    Token token = Token.newBuilder()
        .setIdentityKey(identity.identityPublic())
        .setAuthDataBytes(ByteString.copyFrom(authData))
        .setAuthDataSignature(KeySignatures.ecdsaCompact(identity.signWithIdentity(Keccak256.hash(authData))))
        .build();
    return "Bearer " + Base64.getEncoder().encodeToString(token.toByteArray());
  }
}
