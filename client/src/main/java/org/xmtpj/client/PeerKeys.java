package org.xmtpj.client;

import org.xmtp.proto.message.contents.SignedPublicKeyBundle;

/**
 * A verified public key bundle: its wallet address and the two secp256k1 public keys (65 bytes each). Shared from a
 * cache, so the arrays are handed out as copies.
 */
record PeerKeys(String address, byte[] identityKey, byte[] preKey, SignedPublicKeyBundle bundle) {
  @Override
  public byte[] identityKey() {
    return identityKey.clone();
  }

  @Override
  public byte[] preKey() {
    return preKey.clone();
  }
}
