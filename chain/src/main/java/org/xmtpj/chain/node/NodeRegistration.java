package org.xmtpj.chain.node;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.xmtpj.crypto.Ed25519;
import org.xmtpj.crypto.Ed25519KeyPair;

/**
 * NodeRegistry's proof of possession of a node key: the node key's Ed25519 signature of the registration message
 * (the contract's {@code registrationMessage}), 130 bytes:
 *
 * <pre>
 *   "xmtpj-node-registration-v1" (26 bytes, ASCII)
 *   ‖ chain id                 (32 bytes, big-endian)
 *   ‖ NodeRegistry's address   (20 bytes)
 *   ‖ operator's address       (20 bytes)
 *   ‖ node key                 (32 bytes, the Ed25519 public key)
 * </pre>
 *
 * <p>A node key is public, so without this proof anyone could register an honest operator's key first. The chain id
 * and registry address stop a proof from being replayed on another chain or deployment; the operator, from being
 * used by anyone else (e.g. copied from a pending transaction); the domain, from being confused with any other
 * signature the node key makes.
 */
public final class NodeRegistration {
  public static final String DOMAIN = "xmtpj-node-registration-v1";
  public static final int MESSAGE_LENGTH = 130;
  private static final int ADDRESS_LENGTH = 20;

  private NodeRegistration() {}

  /** The message {@code nodeKey} signs so that {@code operator} can register it at {@code registry}. */
  public static byte[] message(long chainId, String registry, String operator, byte[] nodeKey) {
    if (nodeKey.length != RegisteredNode.NODE_KEY_LENGTH) {
      throw new IllegalArgumentException("node key must be 32 bytes, got " + nodeKey.length);
    }
    byte[] domain = DOMAIN.getBytes(StandardCharsets.US_ASCII);
    byte[] message = new byte[MESSAGE_LENGTH];
    int at = put(message, 0, domain);
    at = put(message, at, uint256(chainId));
    at = put(message, at, address(registry));
    at = put(message, at, address(operator));
    put(message, at, nodeKey);
    return message;
  }

  /** The proof (64-byte Ed25519 signature) that {@code nodeKey}'s holder lets {@code operator} register it. */
  public static byte[] sign(Ed25519KeyPair nodeKey, long chainId, String registry, String operator) {
    return Ed25519.sign(nodeKey, message(chainId, registry, operator, nodeKey.publicKey()));
  }

  private static int put(byte[] into, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, into, at, bytes.length);
    return at + bytes.length;
  }

  private static byte[] uint256(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("chain id must not be negative: " + value);
    }
    byte[] raw = BigInteger.valueOf(value).toByteArray();
    byte[] word = new byte[32];
    int len = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - len, word, 32 - len, len);
    return word;
  }

  private static byte[] address(String address) {
    String hex = address.startsWith("0x") || address.startsWith("0X") ? address.substring(2) : address;
    if (hex.length() != 2 * ADDRESS_LENGTH) {
      throw new IllegalArgumentException("not a 20-byte address: " + address);
    }
    return HexFormat.of().parseHex(hex);
  }
}
