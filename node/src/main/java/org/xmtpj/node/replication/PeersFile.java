package org.xmtpj.node.replication;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a file of peers ({@code [NODEKEY@]HOST:PORT} per line, {@code #} starts a comment) and hands every new
 * valid version to a consumer. Polling the modification time and size is enough here: the file changes rarely, a
 * change may take one period to be seen, and polling works on every file system (WatchService does not on some
 * container mounts). A version that does not parse is logged and ignored, so a half-edited file never drops the
 * peers that work. Writers should replace the file atomically (write a temporary file, then move it over).
 */
public final class PeersFile implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeersFile.class);
  /** More would be a mistake in the file rather than a network: every peer costs a channel and sync rounds. */
  static final int MAX_PEERS = 1_000;

  private final Path path;
  private final Consumer<List<PeerInfo>> consumer;
  private final ScheduledExecutorService timer;
  private Object seen = this; // the last version's time, size and inode; guarded by this

  private PeersFile(Path path, Consumer<List<PeerInfo>> consumer) {
    this.path = Objects.requireNonNull(path, "path");
    this.consumer = Objects.requireNonNull(consumer, "consumer");
    this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("peers-file").factory());
  }

  /** Reads the file now (a missing file is an empty list), then again every {@code period} it has changed. */
  public static PeersFile watch(Path path, Duration period, Consumer<List<PeerInfo>> consumer) {
    PeersFile f = new PeersFile(path, consumer);
    f.poll();
    f.timer.scheduleWithFixedDelay(f::poll, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    return f;
  }

  synchronized void poll() {
    Object version;
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      // the inode too: an atomic replace within the clock's granularity can keep both time and size
      version = List.of(a.lastModifiedTime(), a.size(), String.valueOf(a.fileKey()));
    } catch (NoSuchFileException e) {
      version = null;
    } catch (IOException e) {
      LOG.warn("cannot read peers file {}: {}", path, e.toString());
      return;
    }
    if (Objects.equals(version, seen)) {
      return;
    }
    seen = version;
    try {
      consumer.accept(version == null ? List.of() : parse(Files.readAllLines(path)));
    } catch (IOException | IllegalArgumentException e) {
      LOG.warn("peers file {} ignored until it changes again: {}", path, e.getMessage());
    }
  }

  /** Parses the lines of a peers file; throws IllegalArgumentException naming the first bad line. */
  public static List<PeerInfo> parse(List<String> lines) {
    List<PeerInfo> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      int hash = line.indexOf('#');
      String spec = (hash >= 0 ? line.substring(0, hash) : line).trim();
      if (spec.isEmpty()) {
        continue;
      }
      try {
        out.add(PeerInfo.parse(spec));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage());
      }
      if (out.size() > MAX_PEERS) {
        throw new IllegalArgumentException("more than " + MAX_PEERS + " peers");
      }
    }
    return out;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
