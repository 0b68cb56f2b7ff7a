package org.xmtpj.cli.keystore;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import org.xmtpj.cli.keystore.KeystoreException.Reason;
import org.xmtpj.cli.keystore.WalletKeystore.ScryptParams;
import org.xmtpj.crypto.Ethereum;

/**
 * The {@code xmtp} CLI's home directory and the wallet keystore in it: {@code ~/.xmtp/wallet.json} by default,
 * {@code $XMTP_HOME/wallet.json} when that is set. On POSIX systems the directory is created 0700 and the file is
 * always 0600; writes go to a temporary file in the same directory that is synced and then renamed over the
 * target, so a crash leaves either the old wallet or the new one, never a truncated file.
 */
public final class KeystoreDirectory {
  public static final String HOME_ENV = "XMTP_HOME";
  public static final String WALLET_FILE = "wallet.json";
  static final String DEFAULT_DIRECTORY = ".xmtp";
  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");

  private final Path home;

  /** {@code $XMTP_HOME} if set and not blank, otherwise {@code ~/.xmtp}. */
  public KeystoreDirectory() {
    this(defaultHome(System.getenv(), Path.of(System.getProperty("user.home"))));
  }

  /** An explicit home directory (a command-line flag, or a test's temporary directory). */
  public KeystoreDirectory(Path home) {
    this.home = home.toAbsolutePath().normalize();
  }

  static Path defaultHome(Map<String, String> env, Path userHome) {
    String override = env.get(HOME_ENV);
    return override == null || override.isBlank() ? userHome.resolve(DEFAULT_DIRECTORY) : Path.of(override);
  }

  public Path home() {
    return home;
  }

  public Path walletFile() {
    return home.resolve(WALLET_FILE);
  }

  public boolean exists() {
    return Files.exists(walletFile(), LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Writes a new wallet. Refuses to replace an existing one, since that would destroy the only copy of a key;
   * use {@link #replace} for a deliberate overwrite (a passphrase change, or {@code init --force}).
   */
  public void save(String json) {
    write(json, false);
  }

  /** Writes the wallet, atomically replacing any existing one. */
  public void replace(String json) {
    write(json, true);
  }

  /** The wallet's JSON text. */
  public String load() {
    if (!exists()) {
      throw new KeystoreException(Reason.STORAGE,
          "no wallet at " + walletFile() + "; run `xmtp init` to create or import one");
    }
    return readKeystore(walletFile());
  }

  /**
   * Parses a private key given as 64 hex digits, with or without {@code 0x}. The message of the exception names
   * what is wrong (length, non-hex character, zero, not below the curve order) without echoing the key.
   */
  public static byte[] parsePrivateKeyHex(String hex) {
    return PrivateKeys.parseHex(hex);
  }

  /** Encrypts a hex private key under {@code passphrase} and saves it as the wallet; returns its EIP-55 address. */
  public String importPrivateKeyHex(String hex, char[] passphrase, ScryptParams params, SecureRandom random) {
    requireNoWallet();
    byte[] key = PrivateKeys.parseHex(hex);
    try {
      return encryptAndSave(key, passphrase, params, random);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * Imports another tool's v3 keystore (geth, MetaMask, ethers): decrypts it with its own passphrase and saves it
   * re-encrypted under {@code newPassphrase} with our parameters. Re-encrypting rather than copying lets the user
   * choose the passphrase and proves the source file can be opened before anything is written. Tool-specific
   * extras (such as ethers' encrypted mnemonic) are not carried over. Returns the EIP-55 address.
   */
  public String importKeystore(Path source, char[] sourcePassphrase, char[] newPassphrase, ScryptParams params,
      SecureRandom random) {
    requireNoWallet();
    byte[] key = WalletKeystore.decrypt(readKeystore(source), sourcePassphrase);
    try {
      return encryptAndSave(key, newPassphrase, params, random);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private String encryptAndSave(byte[] key, char[] passphrase, ScryptParams params, SecureRandom random) {
    String json = WalletKeystore.encrypt(key, passphrase, params, random);
    save(json);
    return Ethereum.checksum("0x" + PrivateKeys.keystoreAddress(key));
  }

  /** Checked before running the KDF, so the user learns about an existing wallet without waiting a second. */
  private void requireNoWallet() {
    if (exists()) {
      throw new KeystoreException(Reason.STORAGE,
          "a wallet already exists at " + walletFile() + "; refusing to overwrite it");
    }
  }

  private void write(String json, boolean overwrite) {
    KeystoreJson.parse(json); // only ever write something that reads back as a v3 keystore
    Path file = walletFile();
    try {
      createHome();
      if (!overwrite) {
        // Check-then-rename leaves a window, but a wallet is written by one interactive user at a time.
        requireNoWallet();
      }
      Path temp = createPrivateFile(home);
      try {
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
          channel.write(ByteBuffer.wrap(json.getBytes(UTF_8)));
          channel.force(true);
        }
        // Within one directory a rename is atomic on POSIX and NTFS, and it replaces the target.
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(home);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      throw new KeystoreException(Reason.STORAGE, "cannot write wallet " + file + ": " + e, e);
    }
  }

  /**
   * Creates the home directory 0700 if missing. An existing directory keeps its mode: it may be shared (say
   * {@code XMTP_HOME=$HOME}) and changing it would surprise the user; the 0600 file is what protects the key.
   */
  private void createHome() throws IOException {
    if (Files.isDirectory(home)) {
      return;
    }
    Path parent = home.getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      if (isPosix(parent)) {
        Files.createDirectory(home, PosixFilePermissions.asFileAttribute(DIRECTORY_MODE));
        Files.setPosixFilePermissions(home, DIRECTORY_MODE); // the creation mode is filtered by the umask
      } else {
        Files.createDirectory(home);
      }
    } catch (FileAlreadyExistsException e) {
      if (!Files.isDirectory(home)) {
        throw e;
      }
    }
  }

  /** A temp file that is 0600 from the moment it exists, so the key is never readable by others in between. */
  private static Path createPrivateFile(Path directory) throws IOException {
    if (!isPosix(directory)) {
      // On Windows the file inherits the ACL of the user's profile directory, which is private by default.
      return Files.createTempFile(directory, ".wallet-", ".tmp");
    }
    FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(FILE_MODE);
    Path temp = Files.createTempFile(directory, ".wallet-", ".tmp", mode);
    Files.setPosixFilePermissions(temp, FILE_MODE);
    return temp;
  }

  /** Makes the rename durable; best effort, since not every platform can open a directory for syncing. */
  private static void syncDirectory(Path directory) {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // Windows cannot open directories this way; NTFS journals the rename itself.
    }
  }

  private static boolean isPosix(Path path) {
    Path probe = path == null ? Path.of("").toAbsolutePath() : path;
    return probe.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** Reads a keystore file, refusing anything far larger than a keystore before reading it into memory. */
  static String readKeystore(Path file) {
    try {
      if (Files.size(file) > KeystoreJson.MAX_JSON_CHARS) {
        throw new KeystoreException(Reason.MALFORMED, file + " is larger than "
            + KeystoreJson.MAX_JSON_CHARS / 1024 + " KiB; it is not a wallet keystore");
      }
      return Files.readString(file, UTF_8);
    } catch (CharacterCodingException e) {
      throw new KeystoreException(Reason.MALFORMED, file + " is not UTF-8 text; it is not a wallet keystore", e);
    } catch (IOException e) {
      throw new KeystoreException(Reason.STORAGE, "cannot read " + file + ": " + e, e);
    }
  }
}
