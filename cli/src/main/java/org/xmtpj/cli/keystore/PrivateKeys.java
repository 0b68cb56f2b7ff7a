package org.xmtpj.cli.keystore;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.xmtpj.cli.keystore.KeystoreException.Reason;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Secp256k1;

/**
 * Checks and parses secp256k1 private keys. Error messages describe the input's shape (length, position of a bad
 * character) but never echo it: the input is a secret, and messages end up in terminals and logs.
 */
final class PrivateKeys {
  private static final BigInteger ORDER = CustomNamedCurves.getByName("secp256k1").getN();
  private static final int HEX_DIGITS = 2 * Secp256k1.PRIVATE_KEY_LENGTH;
  private static final int ADDRESS_HEX_DIGITS = 40;

  private PrivateKeys() {}

  /** Throws unless {@code key} is 32 bytes encoding a scalar in [1, n-1]. */
  static void requireValid(byte[] key) {
    if (key == null || key.length != Secp256k1.PRIVATE_KEY_LENGTH) {
      throw invalid("private key must be " + Secp256k1.PRIVATE_KEY_LENGTH + " bytes, got "
          + (key == null ? "none" : key.length));
    }
    BigInteger d = new BigInteger(1, key);
    if (d.signum() == 0) {
      throw invalid("private key is zero, which is not a valid secp256k1 key");
    }
    if (d.compareTo(ORDER) >= 0) {
      throw invalid("private key is not below the secp256k1 group order, so it is not a valid key");
    }
  }

  /** Parses 64 hex digits, optionally prefixed with 0x and surrounded by whitespace (as pasted from a wallet). */
  static byte[] parseHex(String text) {
    if (text == null || text.isBlank()) {
      throw invalid("private key is empty");
    }
    String hex = text.strip();
    if (hex.startsWith("0x") || hex.startsWith("0X")) {
      hex = hex.substring(2);
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        throw invalid("private key has a non-hex character at position " + (i + 1) + " (after any 0x)");
      }
    }
    if (hex.length() != HEX_DIGITS) {
      String hint = hex.length() == ADDRESS_HEX_DIGITS ? "; that looks like an address, not a private key" : "";
      throw invalid("private key must be " + HEX_DIGITS + " hex digits (32 bytes), got " + hex.length() + hint);
    }
    byte[] key = HexFormat.of().parseHex(hex);
    try {
      requireValid(key);
      return key;
    } catch (KeystoreException e) {
      java.util.Arrays.fill(key, (byte) 0);
      throw e;
    }
  }

  /** The address in keystore form: 40 lowercase hex digits without 0x. */
  static String keystoreAddress(byte[] key) {
    return Ethereum.address(Secp256k1.publicKeyUncompressed(key)).substring(2).toLowerCase(Locale.ROOT);
  }

  private static KeystoreException invalid(String message) {
    return new KeystoreException(Reason.INVALID_KEY, message);
  }
}
