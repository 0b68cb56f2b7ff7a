package org.xmtpj.cli.keystore;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.xmtpj.cli.keystore.KeystoreException.Reason;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads and writes the v3 JSON document. The cli has no JSON library, only SnakeYAML, and a YAML 1.1 flow mapping
 * is a superset of JSON, so parsing goes through SnakeYAML's safe constructor (plain maps, lists and scalars only).
 * Writing needs no library: every value is a fixed name, an integer or lowercase hex, so nothing needs escaping.
 */
final class KeystoreJson {
  static final String CIPHER = "aes-128-ctr";
  static final int IV_BYTES = 16;
  static final int MAC_BYTES = 32;
  static final int KEY_BYTES = 32;
  /** Real files are under 1 KiB (ethers adds an encrypted mnemonic); the cap bounds parsing work. */
  static final int MAX_JSON_CHARS = 64 * 1024;
  private static final int ADDRESS_HEX_DIGITS = 40;
  private static final HexFormat HEX = HexFormat.of();

  /**
   * A structurally valid v3 file, not yet decrypted. {@code address} is 40 lowercase hex digits when present;
   * the spec does not require it (its own vectors omit it).
   */
  record V3File(String id, Optional<String> address, byte[] iv, byte[] ciphertext, Kdf kdf, byte[] mac) {}

  private KeystoreJson() {}

  static V3File parse(String json) {
    Map<?, ?> root = load(json);
    checkVersion(root.get("version"));
    Map<?, ?> crypto = cryptoSection(root);
    String cipher = string(crypto, "cipher", "crypto.cipher");
    if (!CIPHER.equals(cipher)) {
      throw new KeystoreException(Reason.UNSUPPORTED,
          "unsupported cipher \"" + cipher + "\" (only " + CIPHER + " is supported)");
    }
    byte[] iv = hex(object(crypto, "cipherparams", "crypto.cipherparams"), "iv", "crypto.cipherparams.iv",
        IV_BYTES, IV_BYTES);
    // Old geth versions stripped leading zero bytes from the key before encrypting, leaving 30- or 31-byte
    // ciphertexts; geth still reads those, so we accept anything up to 32 bytes and pad after decryption.
    byte[] ciphertext = hex(crypto, "ciphertext", "crypto.ciphertext", 1, KEY_BYTES);
    byte[] mac = hex(crypto, "mac", "crypto.mac", MAC_BYTES, MAC_BYTES);
    Kdf kdf = kdf(crypto);
    Object id = root.get("id");
    return new V3File(id == null ? "" : id.toString(), address(root.get("address")), iv, ciphertext, kdf, mac);
  }

  static String format(V3File file) {
    StringBuilder json = new StringBuilder(640);
    json.append("{\"version\":3,\"id\":\"").append(file.id()).append('"');
    file.address().ifPresent(a -> json.append(",\"address\":\"").append(a).append('"'));
    json.append(",\"crypto\":{\"cipher\":\"").append(CIPHER).append('"')
        .append(",\"cipherparams\":{\"iv\":\"").append(HEX.formatHex(file.iv())).append("\"}")
        .append(",\"ciphertext\":\"").append(HEX.formatHex(file.ciphertext())).append('"')
        .append(",\"kdf\":\"").append(file.kdf().name()).append("\",\"kdfparams\":{");
    switch (file.kdf()) {
      case Kdf.Scrypt s -> json.append("\"dklen\":").append(s.dklen()).append(",\"n\":").append(s.n())
          .append(",\"r\":").append(s.r()).append(",\"p\":").append(s.p());
      case Kdf.Pbkdf2 p -> json.append("\"dklen\":").append(p.dklen()).append(",\"c\":").append(p.c())
          .append(",\"prf\":\"hmac-sha256\"");
    }
    json.append(",\"salt\":\"").append(HEX.formatHex(file.kdf().salt())).append("\"}")
        .append(",\"mac\":\"").append(HEX.formatHex(file.mac())).append("\"}}");
    return json.toString();
  }

  private static Map<?, ?> load(String text) {
    // Some Windows editors save UTF-8 with a byte-order mark; it is not part of the JSON.
    String json = text != null && text.startsWith("\uFEFF") ? text.substring(1) : text;
    if (json == null || json.isBlank()) {
      throw malformed("keystore is empty");
    }
    if (json.length() > MAX_JSON_CHARS) {
      throw malformed("keystore is larger than " + MAX_JSON_CHARS / 1024 + " KiB; not a wallet file");
    }
    if (!json.strip().startsWith("{")) {
      throw malformed("keystore is not valid JSON: expected an object starting with '{'");
    }
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setNestingDepthLimit(16);
    options.setCodePointLimit(MAX_JSON_CHARS);
    try {
      // JSON allows tabs between tokens but YAML rejects them as indentation. Valid JSON strings cannot contain
      // a raw tab (it must be escaped), so replacing every tab with a space changes no value.
      Object doc = new Yaml(new SafeConstructor(options)).load(json.replace('\t', ' '));
      if (doc instanceof Map<?, ?> map) {
        return map;
      }
      throw malformed("keystore is not valid JSON: expected an object");
    } catch (YAMLException e) {
      throw new KeystoreException(Reason.MALFORMED, "keystore is not valid JSON: " + describe(e), e);
    }
  }

  /** SnakeYAML's messages span several lines with a source excerpt; keep the problem and its position. */
  private static String describe(YAMLException e) {
    if (e instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      Mark mark = marked.getProblemMark();
      return marked.getProblem()
          + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1));
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
  }

  private static void checkVersion(Object version) {
    if (version == null) {
      throw malformed("keystore has no \"version\" field");
    }
    // ethers parses the version with parseInt, so a quoted "3" is also seen in the wild.
    if (!"3".equals(version.toString().strip())) {
      throw new KeystoreException(Reason.UNSUPPORTED,
          "unsupported keystore version " + version + " (only version 3 is supported)");
    }
  }

  /** geth and ethers both read "Crypto" too (geth's decoder ignores case, and ethers itself writes "Crypto"). */
  private static Map<?, ?> cryptoSection(Map<?, ?> root) {
    if (root.containsKey("crypto") && root.containsKey("Crypto")) {
      throw malformed("keystore has both \"crypto\" and \"Crypto\" sections");
    }
    return object(root, root.containsKey("Crypto") ? "Crypto" : "crypto", "crypto");
  }

  private static Kdf kdf(Map<?, ?> crypto) {
    String name = string(crypto, "kdf", "crypto.kdf");
    Map<?, ?> params = object(crypto, "kdfparams", "crypto.kdfparams");
    String path = "crypto.kdfparams.";
    switch (name) {
      case "scrypt" -> {
        return new Kdf.Scrypt(integer(params, "n", path + "n"), integer(params, "r", path + "r"),
            integer(params, "p", path + "p"), integer(params, "dklen", path + "dklen"),
            hex(params, "salt", path + "salt", 1, Kdf.MAX_SALT_BYTES));
      }
      case "pbkdf2" -> {
        String prf = string(params, "prf", path + "prf");
        if (!"hmac-sha256".equals(prf)) {
          throw new KeystoreException(Reason.UNSUPPORTED,
              "unsupported pbkdf2 prf \"" + prf + "\" (only hmac-sha256 is supported)");
        }
        return new Kdf.Pbkdf2(integer(params, "c", path + "c"), integer(params, "dklen", path + "dklen"),
            hex(params, "salt", path + "salt", 1, Kdf.MAX_SALT_BYTES));
      }
      default -> throw new KeystoreException(Reason.UNSUPPORTED,
          "unsupported kdf \"" + name + "\" (only scrypt and pbkdf2 are supported)");
    }
  }

  private static Optional<String> address(Object value) {
    if (value == null) {
      return Optional.empty();
    }
    if (!(value instanceof String text)) {
      throw malformed("keystore field \"address\" must be a string");
    }
    String hex = text.startsWith("0x") || text.startsWith("0X") ? text.substring(2) : text;
    if (hex.length() != ADDRESS_HEX_DIGITS || !isHex(hex)) {
      throw malformed("keystore field \"address\" must be 40 hex digits, got \"" + text + "\"");
    }
    return Optional.of(hex.toLowerCase(Locale.ROOT));
  }

  private static Object field(Map<?, ?> map, String key, String path) {
    Object value = map.get(key);
    if (value == null) {
      throw malformed("keystore is missing field \"" + path + "\"");
    }
    return value;
  }

  private static Map<?, ?> object(Map<?, ?> map, String key, String path) {
    if (field(map, key, path) instanceof Map<?, ?> object) {
      return object;
    }
    throw malformed("keystore field \"" + path + "\" must be an object");
  }

  private static String string(Map<?, ?> map, String key, String path) {
    if (field(map, key, path) instanceof String text) {
      return text;
    }
    throw malformed("keystore field \"" + path + "\" must be a string");
  }

  /** An integer parameter. Values beyond int range are a cost attack, not a typo, so they count as unsafe. */
  private static int integer(Map<?, ?> map, String key, String path) {
    Object value = field(map, key, path);
    if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)) {
      throw malformed("keystore field \"" + path + "\" must be an integer, got " + value);
    }
    BigInteger big = new BigInteger(value.toString());
    if (big.bitLength() > 31) {
      throw new KeystoreException(Reason.UNSAFE_PARAMETERS, "keystore field \"" + path + "\" is out of range: "
          + value);
    }
    return big.intValue();
  }

  private static byte[] hex(Map<?, ?> map, String key, String path, int minBytes, int maxBytes) {
    String text = string(map, key, path);
    if (text.length() % 2 != 0 || !isHex(text)) {
      throw malformed("keystore field \"" + path + "\" must be an even number of hex digits");
    }
    int bytes = text.length() / 2;
    if (bytes < minBytes || bytes > maxBytes) {
      String want = minBytes == maxBytes ? String.valueOf(minBytes) : minBytes + " to " + maxBytes;
      throw malformed("keystore field \"" + path + "\" must be " + want + " bytes, got " + bytes);
    }
    return HEX.parseHex(text);
  }

  static boolean isHex(String text) {
    for (int i = 0; i < text.length(); i++) {
      // Not Character.digit: it also accepts non-ASCII digits, which HexFormat would then reject.
      char c = text.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
        return false;
      }
    }
    return true;
  }

  private static KeystoreException malformed(String message) {
    return new KeystoreException(Reason.MALFORMED, message);
  }
}
