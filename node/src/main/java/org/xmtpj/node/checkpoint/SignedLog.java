package org.xmtpj.node.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What this node has signed, one line per epoch ({@code epoch cutHash root}), fsync'd before the signature leaves
 * the node. Signing two roots for one epoch is slashable, so after a restart the node signs an epoch again only
 * with exactly what it signed before.
 */
final class SignedLog {
  record Entry(byte[] cutHash, byte[] root) {}

  private final Path file;
  private final Map<Long, Entry> entries = new ConcurrentHashMap<>();

  SignedLog(Path file) {
    this.file = file;
    try {
      if (Files.exists(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
          String[] f = line.trim().split(" ");
          if (f.length == 3) {
            entries.put(Long.parseLong(f[0]), new Entry(HexFormat.of().parseHex(f[1]), HexFormat.of().parseHex(f[2])));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  Optional<Entry> signed(long epoch) {
    return Optional.ofNullable(entries.get(epoch));
  }

  /** Records the signature durably; call before sending it anywhere. */
  void record(long epoch, byte[] cutHash, byte[] root) {
    String line = epoch + " " + HexFormat.of().formatHex(cutHash) + " " + HexFormat.of().formatHex(root) + "\n";
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
          StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot record the signature of epoch " + epoch + " in " + file, e);
    }
    entries.put(epoch, new Entry(cutHash, root));
  }
}
