package org.xmtpj.cli.keystore;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.xmtpj.cli.keystore.KeystoreException.Reason;
import org.xmtpj.crypto.Ethereum;
import org.xmtpj.crypto.Keccak256;

/**
 * Encrypts a wallet private key into a Web3 Secret Storage v3 JSON document (the format geth, MetaMask and ethers
 * import and export) and decrypts such documents. Writing always uses scrypt and AES-128-CTR; reading also accepts
 * PBKDF2-HMAC-SHA256. Every failure is a {@link KeystoreException} with a {@link Reason}.
 *
 * <p>Passphrases are encoded as UTF-8 of their NFKC normal form, as ethers does, so that a file written here opens
 * in ethers/MetaMask with a non-ASCII passphrase. geth does not normalise, so decryption retries with the raw
 * UTF-8 when it differs; for ASCII passphrases the two are identical and only one derivation runs.
 */
public final class WalletKeystore {
  private static final int SALT_BYTES = 32;
  private static final int DKLEN = 32;
  private static final int AES_KEY_BYTES = 16;

  /** scrypt cost for new files. {@link #STRONG} is the value geth calls "standard" (about 256 MiB, ~1 s). */
  public record ScryptParams(int n, int r, int p) {
    public static final ScryptParams STRONG = new ScryptParams(1 << 18, 8, 1);

    /** Rejects the same values a file would be rejected for: n a power of two up to 2^20, bounded memory. */
    public ScryptParams {
      Kdf.Scrypt.checkCost(n, r, p);
    }
  }

  private WalletKeystore() {}

  /** Encrypts with {@link ScryptParams#STRONG}. */
  public static String encrypt(byte[] privateKey, char[] passphrase, SecureRandom random) {
    return encrypt(privateKey, passphrase, ScryptParams.STRONG, random);
  }

  /**
   * Encrypts a 32-byte secp256k1 private key under {@code passphrase} and returns the v3 JSON, including the
   * key's address. Neither argument array is modified.
   */
  public static String encrypt(byte[] privateKey, char[] passphrase, ScryptParams params, SecureRandom random) {
    PrivateKeys.requireValid(privateKey);
    byte[] salt = randomBytes(random, SALT_BYTES);
    byte[] iv = randomBytes(random, KeystoreJson.IV_BYTES);
    Kdf kdf = new Kdf.Scrypt(params.n(), params.r(), params.p(), DKLEN, salt);
    List<byte[]> passwords = passwordEncodings(passphrase);
    byte[] derived = kdf.derive(passwords.get(0));
    try {
      byte[] ciphertext = aes128Ctr(derived, iv, privateKey);
      byte[] mac = mac(derived, ciphertext);
      String address = PrivateKeys.keystoreAddress(privateKey);
      return KeystoreJson.format(new KeystoreJson.V3File(
          uuid(random).toString(), Optional.of(address), iv, ciphertext, kdf, mac));
    } finally {
      wipe(derived);
      passwords.forEach(WalletKeystore::wipe);
    }
  }

  /**
   * Decrypts a v3 JSON document and returns the 32-byte private key; the caller should zero it when done.
   *
   * @throws KeystoreException {@link Reason#WRONG_PASSPHRASE} when the MAC does not match, and the other reasons
   *     for unsupported, malformed or over-expensive files, or a key that does not match the recorded address
   */
  public static byte[] decrypt(String json, char[] passphrase) {
    KeystoreJson.V3File file = KeystoreJson.parse(json);
    byte[] derived = unlock(file, passphrase);
    byte[] key = new byte[KeystoreJson.KEY_BYTES];
    byte[] plain = aes128Ctr(derived, file.iv(), file.ciphertext());
    // Left-pad the short keys old geth wrote (see KeystoreJson.parse); for 32-byte ciphertexts this is a copy.
    System.arraycopy(plain, 0, key, key.length - plain.length, plain.length);
    wipe(plain);
    wipe(derived);
    try {
      checkKey(key, file.address());
      return key;
    } catch (KeystoreException e) {
      wipe(key);
      throw e;
    }
  }

  /** The EIP-55 address recorded in the file, if any, read without the passphrase (and so not yet verified). */
  public static Optional<String> address(String json) {
    return KeystoreJson.parse(json).address().map(a -> Ethereum.checksum("0x" + a));
  }

  /** Derives the key for each passphrase encoding until one reproduces the MAC. */
  private static byte[] unlock(KeystoreJson.V3File file, char[] passphrase) {
    List<byte[]> passwords = passwordEncodings(passphrase);
    try {
      for (byte[] password : passwords) {
        byte[] derived = file.kdf().derive(password);
        // Constant-time comparison: the MAC is not secret, but there is no reason to leak how much matched.
        if (MessageDigest.isEqual(mac(derived, file.ciphertext()), file.mac())) {
          return derived;
        }
        wipe(derived);
      }
    } finally {
      passwords.forEach(WalletKeystore::wipe);
    }
    throw new KeystoreException(Reason.WRONG_PASSPHRASE,
        "wrong passphrase: the keystore MAC does not match (or the file's ciphertext was altered)");
  }

  private static void checkKey(byte[] key, Optional<String> recordedAddress) {
    try {
      PrivateKeys.requireValid(key);
    } catch (KeystoreException e) {
      throw new KeystoreException(Reason.INVALID_KEY, "keystore decrypted to an invalid key: " + e.getMessage());
    }
    if (recordedAddress.isPresent()) {
      String actual = PrivateKeys.keystoreAddress(key);
      if (!actual.equals(recordedAddress.get())) {
        throw new KeystoreException(Reason.ADDRESS_MISMATCH, "keystore address 0x" + recordedAddress.get()
            + " does not match the decrypted key's address 0x" + actual + "; the file is corrupt or was edited");
      }
    }
  }

  /** keccak256(derivedKey[16..32] ‖ ciphertext), as the spec defines the MAC. */
  private static byte[] mac(byte[] derived, byte[] ciphertext) {
    byte[] macKey = Arrays.copyOfRange(derived, AES_KEY_BYTES, 2 * AES_KEY_BYTES);
    try {
      return Keccak256.hash(macKey, ciphertext);
    } finally {
      wipe(macKey);
    }
  }

  /** AES-128-CTR keyed by derivedKey[0..16]; CTR is its own inverse, so this both encrypts and decrypts. */
  private static byte[] aes128Ctr(byte[] derived, byte[] iv, byte[] input) {
    try {
      Cipher cipher = Cipher.getInstance("AES/CTR/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derived, 0, AES_KEY_BYTES, "AES"),
          new IvParameterSpec(iv));
      return cipher.doFinal(input);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CTR/NoPadding is not available in this JRE", e);
    }
  }

  /** NFKC UTF-8 first (what ethers does and what we write), then raw UTF-8 (what geth does) if different. */
  static List<byte[]> passwordEncodings(char[] passphrase) {
    byte[] raw = utf8(CharBuffer.wrap(passphrase));
    boolean ascii = true;
    for (char c : passphrase) {
      ascii &= c < 0x80;
    }
    if (ascii) {
      return List.of(raw);
    }
    // Normalizer can only return a String, which cannot be wiped; this affects non-ASCII passphrases only.
    byte[] normalized = utf8(CharBuffer.wrap(Normalizer.normalize(CharBuffer.wrap(passphrase),
        Normalizer.Form.NFKC)));
    List<byte[]> encodings = new ArrayList<>(List.of(normalized));
    if (Arrays.equals(raw, normalized)) {
      wipe(raw);
    } else {
      encodings.add(raw);
    }
    return encodings;
  }

  private static byte[] utf8(CharBuffer chars) {
    try {
      ByteBuffer encoded = UTF_8.newEncoder().encode(chars);
      byte[] out = new byte[encoded.remaining()];
      encoded.get(out);
      if (encoded.hasArray()) {
        Arrays.fill(encoded.array(), (byte) 0);
      }
      return out;
    } catch (CharacterCodingException e) {
      throw new KeystoreException(Reason.PASSPHRASE_UNAVAILABLE,
          "passphrase is not valid Unicode (it contains an unpaired surrogate character)");
    }
  }

  private static UUID uuid(SecureRandom random) {
    // A version 4 (random) UUID drawn from the caller's generator, so that tests with a seeded one are repeatable.
    ByteBuffer bytes = ByteBuffer.wrap(randomBytes(random, 16));
    long high = (bytes.getLong() & ~0xF000L) | 0x4000L;
    long low = (bytes.getLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low);
  }

  private static byte[] randomBytes(SecureRandom random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static void wipe(byte[] bytes) {
    Arrays.fill(bytes, (byte) 0);
  }
}
