package org.xmtpj.client;

import org.xmtpj.crypto.Secp256k1;

/**
 * The triple Diffie-Hellman secret shared by two users' identity and pre-keys (195 bytes: three full 65-byte
 * points). Both parties derive the same bytes because their roles swap the order of the first two terms.
 */
final class ThreeDh {
  private ThreeDh() {}

  static byte[] secret(PrivateIdentity me, byte[] peerIdentity, byte[] peerPreKey, boolean recipient) {
    byte[] dh1;
    byte[] dh2;
    if (recipient) {
      dh1 = Secp256k1.ecdhPoint(me.preKeyPrivate(), peerIdentity);
      dh2 = Secp256k1.ecdhPoint(me.identityPrivate(), peerPreKey);
    } else {
      dh1 = Secp256k1.ecdhPoint(me.identityPrivate(), peerPreKey);
      dh2 = Secp256k1.ecdhPoint(me.preKeyPrivate(), peerIdentity);
    }
    byte[] dh3 = Secp256k1.ecdhPoint(me.preKeyPrivate(), peerPreKey);
    byte[] out = new byte[dh1.length + dh2.length + dh3.length];
    System.arraycopy(dh1, 0, out, 0, dh1.length);
    System.arraycopy(dh2, 0, out, dh1.length, dh2.length);
    System.arraycopy(dh3, 0, out, dh1.length + dh2.length, dh3.length);
    return out;
  }
}
