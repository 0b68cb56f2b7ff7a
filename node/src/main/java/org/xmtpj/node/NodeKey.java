package org.xmtpj.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.xmtpj.crypto.Ed25519KeyPair;

/** The node's Ed25519 identity: created on first start, kept (owner-readable only) in the data directory. */
public final class NodeKey {
  static final String FILE = "node_key";

  private NodeKey() {}

  public static Ed25519KeyPair loadOrCreate(Path dataDir) {
    Path file = dataDir.resolve(FILE);
    try {
      Files.createDirectories(dataDir);
      if (Files.exists(file)) {
        String hex = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!hex.matches("[0-9a-f]{64}")) {
          throw new IllegalStateException(file + " is not a 32-byte hex Ed25519 private key");
        }
        return Ed25519KeyPair.fromPrivateKey(HexFormat.of().parseHex(hex));
      }
      Ed25519KeyPair key = Ed25519KeyPair.generate(new SecureRandom());
      Path tmp = dataDir.resolve(FILE + ".tmp");
      Files.writeString(tmp, HexFormat.of().formatHex(key.privateKey()) + "\n", StandardCharsets.US_ASCII);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("loading node key from " + file, e);
    }
  }
}
