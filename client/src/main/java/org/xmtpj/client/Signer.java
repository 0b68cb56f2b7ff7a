package org.xmtpj.client;

import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Secp256k1;

/**
 * An Ethereum wallet that vouches for an XMTP identity. The SDK asks it for personal_sign (EIP-191) signatures only
 * while creating or loading an identity: "XMTP : Create Identity" once per new identity and "XMTP : Enable Identity"
 * each time the identity is loaded from the network. Implement it over a hardware or remote wallet to keep the wallet
 * key out of this process.
 */
public interface Signer {

  /** The wallet's address, in any letter case; the SDK checks signatures against it. */
  String address();

  /**
   * Signs {@code text} as {@code personal_sign} does: keccak256 of {@code "\x19Ethereum Signed Message:\n" + len +
   * text}.
   *
   * @return 65 bytes {@code r‖s‖v}; v may be 0/1 or 27/28
   */
  byte[] signPersonalMessage(String text);

  /** A signer holding the wallet's secp256k1 private key (32 bytes) in memory. */
  static Signer privateKey(byte[] walletPrivateKey) {
    byte[] key = walletPrivateKey.clone();
    String address = Ethereum.address(Secp256k1.publicKeyUncompressed(key));
    return new Signer() {
      @Override
      public String address() {
        return address;
      }

      @Override
      public byte[] signPersonalMessage(String text) {
        return Ethereum.signPersonal(key, text);
      }

      @Override
      public String toString() {
        return "Signer[" + address + "]";
      }
    };
  }
}
