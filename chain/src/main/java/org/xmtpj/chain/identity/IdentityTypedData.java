package org.xmtpj.chain.identity;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.Signer;
import org.xmtpj.crypto.Keccak256;

/**
 * The EIP-712 typed data that IdentityRegistry accepts in {@code registerFor}, {@code updateFor} and
 * {@code revokeFor}: a wallet signs a digest off chain and anyone (a relayer) submits it, paying the gas.
 *
 * <p>Built here rather than through a generic EIP-712 library because the types are fixed and few: the encoding
 * mirrors {@code IdentityRegistry._identityDigest} field by field (dynamic {@code bytes}/{@code string} fields are
 * hashed, everything else is one 32-byte word), which the integration tests check against the contract.
 */
public final class IdentityTypedData {
  public static final String DOMAIN_NAME = "XMTPJ IdentityRegistry";
  public static final String DOMAIN_VERSION = "1";

  private static final byte[] DOMAIN_TYPEHASH =
      keccak("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
  private static final String IDENTITY_FIELDS = "(address wallet,bytes identityKey,string inviteTopic,"
      + "uint8 publishPolicy,uint256 fee,bytes credentialIssuerKey,uint16 retentionDays,uint8 evictionPolicy,"
      + "uint256 nonce,uint256 deadline)";
  private static final byte[] REGISTER_TYPEHASH = keccak("Register" + IDENTITY_FIELDS);
  private static final byte[] UPDATE_TYPEHASH = keccak("Update" + IDENTITY_FIELDS);
  private static final byte[] REVOKE_TYPEHASH = keccak("Revoke(address wallet,uint256 nonce,uint256 deadline)");

  private final byte[] domainSeparator;

  /** The typed data of the registry at {@code registryAddress} on chain {@code chainId}. */
  public IdentityTypedData(long chainId, String registryAddress) {
    this.domainSeparator = Keccak256.hash(DOMAIN_TYPEHASH, keccak(DOMAIN_NAME), keccak(DOMAIN_VERSION),
        uint(BigInteger.valueOf(chainId)), address(registryAddress));
  }

  public static IdentityTypedData of(Deployment deployment) {
    return new IdentityTypedData(deployment.chainId(), deployment.identityRegistryAddress());
  }

  public byte[] domainSeparator() {
    return domainSeparator.clone();
  }

  public byte[] registerDigest(String wallet, IdentityConfig config, BigInteger nonce, long deadline) {
    return digest(identityStruct(REGISTER_TYPEHASH, wallet, config, nonce, deadline));
  }

  public byte[] updateDigest(String wallet, IdentityConfig config, BigInteger nonce, long deadline) {
    return digest(identityStruct(UPDATE_TYPEHASH, wallet, config, nonce, deadline));
  }

  public byte[] revokeDigest(String wallet, BigInteger nonce, long deadline) {
    return digest(Keccak256.hash(REVOKE_TYPEHASH, address(wallet), uint(nonce), uint(BigInteger.valueOf(deadline))));
  }

  /** The wallet's signature over a {@code Register} of {@code config} with its current {@code nonce}. */
  public byte[] signRegister(Signer wallet, IdentityConfig config, BigInteger nonce, long deadline) {
    return wallet.signDigest(registerDigest(wallet.address(), config, nonce, deadline));
  }

  public byte[] signUpdate(Signer wallet, IdentityConfig config, BigInteger nonce, long deadline) {
    return wallet.signDigest(updateDigest(wallet.address(), config, nonce, deadline));
  }

  public byte[] signRevoke(Signer wallet, BigInteger nonce, long deadline) {
    return wallet.signDigest(revokeDigest(wallet.address(), nonce, deadline));
  }

  private static byte[] identityStruct(byte[] typehash, String wallet, IdentityConfig c, BigInteger nonce,
      long deadline) {
    return Keccak256.hash(typehash, address(wallet), Keccak256.hash(c.identityKey()), keccak(c.inviteTopic()),
        uint(BigInteger.valueOf(c.publishPolicy().code())), uint(c.fee()), Keccak256.hash(c.credentialIssuerKey()),
        uint(BigInteger.valueOf(c.retentionDays())), uint(BigInteger.valueOf(c.evictionPolicy().code())),
        uint(nonce), uint(BigInteger.valueOf(deadline)));
  }

  /** EIP-712: keccak256("\x19\x01" ‖ domainSeparator ‖ hashStruct(message)). */
  private byte[] digest(byte[] structHash) {
    return Keccak256.hash(new byte[] {0x19, 0x01}, domainSeparator, structHash);
  }

  private static byte[] keccak(String text) {
    return Keccak256.hash(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A uint256 ABI word: 32 bytes big-endian. */
  private static byte[] uint(BigInteger v) {
    if (v.signum() < 0 || v.bitLength() > 256) {
      throw new IllegalArgumentException("not a uint256: " + v);
    }
    byte[] raw = v.toByteArray();
    byte[] word = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, word, 32 - len, len);
    return word;
  }

  /** An address ABI word: 12 zero bytes and the 20 address bytes. */
  private static byte[] address(String address) {
    String hex = address.startsWith("0x") || address.startsWith("0X") ? address.substring(2) : address;
    byte[] raw = HexFormat.of().parseHex(hex);
    if (raw.length != 20) {
      throw new IllegalArgumentException("not a 20-byte address: " + address);
    }
    ByteArrayOutputStream word = new ByteArrayOutputStream(32);
    word.writeBytes(new byte[12]);
    word.writeBytes(raw);
    return word.toByteArray();
  }
}
