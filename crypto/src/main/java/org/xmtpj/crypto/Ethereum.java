package org.xmtpj.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/** The Ethereum conventions XMTP identities build on: EIP-191 personal messages and EIP-55 addresses. */
public final class Ethereum {
  private static final String PERSONAL_MESSAGE_PREFIX = "\u0019Ethereum Signed Message:\n";
  private static final int ADDRESS_HEX_LENGTH = 40;

  private Ethereum() {}

  /** {@code keccak256("\x19Ethereum Signed Message:\n" + byteLength + text)}, the hash personal_sign signs. */
  public static byte[] eip191Hash(String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    byte[] prefix = (PERSONAL_MESSAGE_PREFIX + body.length).getBytes(StandardCharsets.UTF_8);
    return Keccak256.hash(prefix, body);
  }

  /** The EIP-55 checksummed address of a 65-byte uncompressed public key: last 20 bytes of keccak256(X‖Y). */
  public static String address(byte[] publicKey) {
    if (publicKey == null || publicKey.length != Secp256k1.PUBLIC_KEY_LENGTH || publicKey[0] != 0x04) {
      throw new CryptoException("public key must be 65 bytes starting with 0x04");
    }
    byte[] digest = Keccak256.hash(Arrays.copyOfRange(publicKey, 1, publicKey.length));
    return checksumHex(HexFormat.of().formatHex(digest, 12, 32));
  }

  /**
   * Returns the EIP-55 form of a {@code 0x}-prefixed, 40-hex-digit address given in any letter case.
   *
   * @throws IllegalArgumentException if the string is not such an address
   */
  public static String checksum(String address) {
    if (address == null || address.length() != 2 + ADDRESS_HEX_LENGTH || !address.startsWith("0x")) {
      throw new IllegalArgumentException(
          "not an Ethereum address (want 0x followed by 40 hex digits): " + describe(address));
    }
    String hex = address.substring(2);
    for (int i = 0; i < hex.length(); i++) {
      if (Character.digit(hex.charAt(i), 16) < 0) {
        throw new IllegalArgumentException(
            "not an Ethereum address (non-hex character at position " + (i + 2) + "): " + describe(address));
      }
    }
    return checksumHex(hex.toLowerCase(Locale.ROOT));
  }

  /** True only for a well-formed address whose letter case is exactly its EIP-55 checksum. */
  public static boolean isChecksummedAddress(String address) {
    try {
      return checksum(address).equals(address);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Signs {@code text} the way a wallet's personal_sign does: returns 65 bytes {@code r‖s‖v} with v = 27 + recovery
   * id.
   */
  public static byte[] signPersonal(byte[] walletPrivateKey, String text) {
    RecoverableSignature signature = Secp256k1.sign(walletPrivateKey, eip191Hash(text));
    byte[] out = Arrays.copyOf(signature.rs(), RecoverableSignature.LENGTH + 1);
    out[RecoverableSignature.LENGTH] = (byte) (27 + signature.recoveryId());
    return out;
  }

  /** EIP-55: a letter is upper case when the matching nibble of keccak256(lowercase hex) is 8 or more. */
  private static String checksumHex(String lowerHex) {
    byte[] hash = Keccak256.hash(lowerHex.getBytes(StandardCharsets.US_ASCII));
    StringBuilder out = new StringBuilder(2 + ADDRESS_HEX_LENGTH).append("0x");
    for (int i = 0; i < lowerHex.length(); i++) {
      char c = lowerHex.charAt(i);
      int nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0x0f;
      out.append(c >= 'a' && nibble >= 8 ? Character.toUpperCase(c) : c);
    }
    return out.toString();
  }

  private static String describe(String value) {
    if (value == null) {
      return "null";
    }
    if (value.length() > 64) {
      return "\"" + value.substring(0, 64) + "…\" (" + value.length() + " chars)";
    }
    return "\"" + value + "\"";
  }
}
