package org.xmtpj.node.checkpoint;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.dag.EventId;
import org.xmtpj.dag.OriginKey;
import org.xmtpj.dag.TopicKey;
import org.xmtpj.dag.state.CheckpointState;
import org.xmtpj.dag.state.Cut;
import org.xmtpj.dag.state.StateTree;

/**
 * The checkpoint state on disk, so that a restart goes on from the last computed epoch instead of replaying every
 * event from cut 0, which a store pruned by retention could not do. An append-only file: a header, then one
 * record per computed epoch (its cut, its root, and the heads of the topics that changed), each framed by length
 * and CRC-32C and fsync'd. When the deltas outgrow the state they describe, the file is rewritten as one full
 * record (written aside, fsync'd, atomically renamed). Loading replays the records, stops at a torn or corrupt
 * tail, and checks the rebuilt root against the last record's: any mismatch discards the file, and the node
 * rebuilds from its events as it would without it. Owned by the checkpointer's thread.
 */
public final class StateJournal {
  private static final Logger LOG = LoggerFactory.getLogger(StateJournal.class);
  private static final byte[] MAGIC = {'X', 'M', 'T', 'P', 'J', 'S', 'J', '1'};
  /** A record never exceeds this: 2^31 bytes is far beyond a state of ten million topics. */
  private static final int MAX_RECORD = Integer.MAX_VALUE - 8;
  /** Deltas may grow to this plus twice the last full record before the file is rewritten. */
  static final long COMPACT_SLACK = 4L << 20;

  private final Path file;
  private final long compactSlack;
  private long bytes;
  private long fullBytes;
  private boolean needsFull = true;

  /** The state a journal describes: the last epoch written, its boundary, and the state itself. */
  public record Restored(long epoch, long boundaryMs, CheckpointState state) {}

  public StateJournal(Path file) {
    this(file, COMPACT_SLACK);
  }

  StateJournal(Path file, long compactSlack) {
    this.file = file;
    this.compactSlack = compactSlack;
  }

  Path file() {
    return file;
  }

  /** Makes the next {@link #append} replace whatever the file holds (a state this node does not go on from). */
  void reset() {
    needsFull = true;
  }

  /**
   * Reads the journal, if any. A torn or corrupt tail is cut off (the records before it stand); a file that does
   * not rebuild to the root it recorded is set aside, and empty is returned.
   */
  public Optional<Restored> load() {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      Replay r = replay();
      if (r.records == 0) {
        discard("holds no complete record");
        return Optional.empty();
      }
      CheckpointState state = CheckpointState.restore(r.cut, r.heads);
      if (!Arrays.equals(state.root(), r.root)) {
        discard("rebuilds to root " + HexFormat.of().formatHex(state.root()) + " instead of the recorded "
            + HexFormat.of().formatHex(r.root));
        return Optional.empty();
      }
      if (r.validBytes < Files.size(file)) {
        LOG.warn("checkpoint state journal {}: cutting a torn or corrupt tail of {} bytes after epoch {}", file,
            Files.size(file) - r.validBytes, r.epoch);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.truncate(r.validBytes);
          ch.force(true);
        }
      }
      bytes = r.validBytes;
      fullBytes = r.fullBytes;
      needsFull = false;
      return Optional.of(new Restored(r.epoch, r.boundaryMs, state));
    } catch (IOException | RuntimeException e) {
      discard("cannot be read (" + e + ")");
      return Optional.empty();
    }
  }

  /**
   * Records one computed epoch: a delta, or the whole state when the deltas have outgrown it or an earlier write
   * failed. A failure is logged and leaves the next call to write the whole state; the checkpoint itself stands.
   */
  public void append(long epoch, long boundaryMs, CheckpointState.Advance a) {
    try {
      if (needsFull || bytes > 2 * fullBytes + compactSlack) {
        rewrite(epoch, boundaryMs, a.cut(), a.root(), a.tree());
      } else {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
          ch.position(bytes); // after the last good record, even if a failed write left bytes behind
          long written = writeRecord(ch, epoch, boundaryMs, a.cut(), a.root(), a.changedHeads().size(),
              out -> {
                for (var e : a.changedHeads().entrySet()) {
                  writeHead(out, e.getKey().bytes(), e.getValue());
                }
              });
          ch.truncate(bytes + written);
          ch.force(false);
          bytes += written;
        }
      }
    } catch (IOException | RuntimeException e) {
      needsFull = true;
      LOG.warn("could not save the checkpoint state of epoch {} in {}; the next epoch rewrites it: {}", epoch, file,
          e.toString());
    }
  }

  private void rewrite(long epoch, long boundaryMs, Cut cut, byte[] root, StateTree<List<EventId>> tree)
      throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    long written;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(MAGIC));
      written = writeRecord(ch, epoch, boundaryMs, cut, root, tree.size(), out -> {
        IOException[] failed = new IOException[1];
        tree.forEachLeaf((key, heads) -> {
          if (failed[0] == null) {
            try {
              writeHead(out, key, heads);
            } catch (IOException e) {
              failed[0] = e;
            }
          }
        });
        if (failed[0] != null) {
          throw failed[0];
        }
      });
      ch.force(true);
    }
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
      dir.force(true); // the rename itself must survive a crash
    } catch (IOException notSupported) {
      // some platforms cannot fsync a directory; the rename is then as durable as the platform makes it
    }
    bytes = MAGIC.length + written;
    fullBytes = written;
    needsFull = false;
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  /**
   * Streams one record at the channel's position: {@code u32 length ‖ u32 CRC-32C(payload) ‖ payload}, the
   * payload being {@code epoch ‖ boundary ‖ root ‖ cut ‖ topic count ‖ (topic ‖ head count ‖ heads)*}. The
   * header is filled in last, so a whole state is never held in memory twice. Returns the bytes written.
   */
  private static long writeRecord(FileChannel ch, long epoch, long boundaryMs, Cut cut, byte[] root, int topics,
      Body body) throws IOException {
    long start = ch.position();
    ch.write(ByteBuffer.allocate(8));
    CRC32C crc = new CRC32C();
    long[] length = {0};
    OutputStream sink = new OutputStream() {
      private final OutputStream file = Channels.newOutputStream(ch);

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        crc.update(b, off, len);
        length[0] += len;
        file.write(b, off, len);
      }
    };
    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(sink, 1 << 16));
    out.writeLong(epoch);
    out.writeLong(boundaryMs);
    out.write(root);
    out.writeInt(cut.watermarks().size());
    for (var e : cut.watermarks().entrySet()) {
      out.write(e.getKey().bytes());
      out.writeLong(e.getValue());
    }
    out.writeInt(topics);
    body.write(out);
    out.flush();
    if (length[0] > MAX_RECORD) {
      throw new IOException("checkpoint state record of " + length[0] + " bytes is too large");
    }
    ch.write(ByteBuffer.allocate(8).putInt((int) length[0]).putInt((int) crc.getValue()).flip(), start);
    return 8 + length[0];
  }

  private static void writeHead(DataOutputStream out, byte[] topic, List<EventId> heads) throws IOException {
    out.write(topic);
    out.writeInt(heads.size());
    for (EventId h : heads) {
      out.write(h.bytes());
    }
  }

  /** What the valid prefix of the file describes. */
  private static final class Replay {
    int records;
    long validBytes;
    long fullBytes;
    long epoch = -1;
    long boundaryMs;
    byte[] root;
    Cut cut = Cut.EMPTY;
    final Map<TopicKey, List<EventId>> heads = new HashMap<>();
  }

  private Replay replay() throws IOException {
    Replay r = new Replay();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        DataInputStream in = new DataInputStream(raw)) {
      byte[] magic = new byte[MAGIC.length];
      in.readFully(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw new IOException("not a checkpoint state journal (bad header)");
      }
      r.validBytes = MAGIC.length;
      while (true) {
        byte[] payload = nextPayload(in);
        if (payload == null) {
          return r;
        }
        apply(r, payload);
        r.records++;
        r.validBytes += 8 + payload.length;
      }
    }
  }

  /** The next record's payload, or null at the end or at a torn or corrupt record. */
  private static byte[] nextPayload(DataInputStream in) throws IOException {
    try {
      int length = in.readInt();
      int crc = in.readInt();
      if (length < 0 || length > MAX_RECORD) {
        return null;
      }
      byte[] payload = in.readNBytes(length);
      if (payload.length < length) {
        return null;
      }
      CRC32C check = new CRC32C();
      check.update(payload);
      return (int) check.getValue() == crc ? payload : null;
    } catch (EOFException end) {
      return null;
    }
  }

  private static void apply(Replay r, byte[] payload) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload));
    long epoch = in.readLong();
    long boundaryMs = in.readLong();
    byte[] root = in.readNBytes(32);
    int origins = in.readInt();
    Map<OriginKey, Long> marks = new HashMap<>();
    for (int i = 0; i < origins; i++) {
      marks.put(new OriginKey(in.readNBytes(32)), in.readLong());
    }
    int topics = in.readInt();
    if (epoch <= r.epoch || topics < 0) {
      throw new IOException("record of epoch " + epoch + " after epoch " + r.epoch);
    }
    for (int i = 0; i < topics; i++) {
      TopicKey topic = new TopicKey(in.readNBytes(32));
      int n = in.readInt();
      if (n < 1 || n > payload.length / 32) {
        throw new IOException("topic with " + n + " heads in the record of epoch " + epoch);
      }
      List<EventId> heads = new ArrayList<>(n);
      for (int j = 0; j < n; j++) {
        heads.add(new EventId(in.readNBytes(32)));
      }
      r.heads.put(topic, heads);
    }
    if (r.records == 0) {
      r.fullBytes = 8 + payload.length; // the first record is always the whole state
    }
    r.epoch = epoch;
    r.boundaryMs = boundaryMs;
    r.root = root;
    r.cut = new Cut(marks);
  }

  private void discard(String why) {
    Path aside = file.resolveSibling(file.getFileName() + ".bad");
    LOG.warn("checkpoint state journal {} {}; set aside as {}, rebuilding the state from the stored events", file,
        why, aside);
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.warn("cannot set {} aside: {}", file, e.toString());
    }
    needsFull = true;
  }
}
