package org.xmtpj.chain;

import java.util.Arrays;
import java.util.HexFormat;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.RecoverableSignature;
import org.xmtpj.crypto.Secp256k1;

/**
 * An Ethereum account held locally: a secp256k1 private key that signs transactions and EIP-712 digests on this
 * machine (the RPC node never sees the key). {@link #toString()} shows the address only.
 */
public final class Signer {
  private final byte[] privateKey;
  private final String address;
  private final Credentials credentials;

  private Signer(byte[] privateKey) {
    if (privateKey.length != Secp256k1.PRIVATE_KEY_LENGTH) {
      throw new IllegalArgumentException("private key must be 32 bytes, got " + privateKey.length);
    }
    this.privateKey = privateKey.clone();
    this.address = Ethereum.address(Secp256k1.publicKeyUncompressed(this.privateKey));
    this.credentials = Credentials.create(ECKeyPair.create(this.privateKey));
  }

  /** A signer for a 32-byte private key. */
  public static Signer fromPrivateKey(byte[] privateKey) {
    return new Signer(privateKey);
  }

  /** A signer for a hex private key, with or without 0x. */
  public static Signer fromPrivateKey(String hex) {
    String h = hex.startsWith("0x") || hex.startsWith("0X") ? hex.substring(2) : hex;
    return new Signer(HexFormat.of().parseHex(h));
  }

  /** The EIP-55 checksummed address. */
  public String address() {
    return address;
  }

  /** The private key (a copy). */
  public byte[] privateKey() {
    return privateKey.clone();
  }

  /** The private key as 0x-prefixed hex, for handing to tools such as deploy.js ($DEPLOYER_PRIVATE_KEY). */
  public String privateKeyHex() {
    return "0x" + HexFormat.of().formatHex(privateKey);
  }

  /**
   * Signs a 32-byte digest the way Solidity's ecrecover and OpenZeppelin's ECDSA expect: 65 bytes
   * {@code r‖s‖v} with v = 27 + recovery id and a low S (RFC 6979 nonce, so the same input signs identically).
   */
  public byte[] signDigest(byte[] digest) {
    RecoverableSignature sig = Secp256k1.sign(privateKey, digest);
    byte[] out = Arrays.copyOf(sig.rs(), 65);
    out[64] = (byte) (27 + sig.recoveryId());
    return out;
  }

  /** web3j's view of this key, for signing transactions. */
  Credentials credentials() {
    return credentials;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signer other && Arrays.equals(privateKey, other.privateKey);
  }

  @Override
  public int hashCode() {
    return address.hashCode();
  }

  @Override
  public String toString() {
    return "Signer[" + address + "]";
  }
}
