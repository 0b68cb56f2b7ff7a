package org.xmtpj.dag.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import org.xmtpj.crypto.Sha256;
import org.xmtpj.dag.OriginKey;

/**
 * A cut of the replicated data: for each origin, the highest sequence number included (every event of that origin
 * up to it is in the cut, none after). Origins with nothing in the cut are absent. docs/consensus.md §2.
 */
public record Cut(Map<OriginKey, Long> watermarks) {
  private static final byte[] TAG = "xmtpj/cut/v1".getBytes(StandardCharsets.US_ASCII);
  public static final Cut EMPTY = new Cut(Map.of());

  public Cut {
    TreeMap<OriginKey, Long> sorted = new TreeMap<>();
    watermarks.forEach((o, w) -> {
      if (w < 0) {
        throw new IllegalArgumentException("negative watermark for " + o);
      }
      if (w > 0) {
        sorted.put(o, w);
      }
    });
    watermarks = Collections.unmodifiableMap(sorted);
  }

  public long watermark(OriginKey origin) {
    return watermarks.getOrDefault(origin, 0L);
  }

  /** Whether event {@code seq} of {@code origin} is in the cut. */
  public boolean contains(OriginKey origin, long seq) {
    return seq >= 1 && seq <= watermark(origin);
  }

  /** {@code H("xmtpj/cut/v1" ‖ (origin ‖ u64 watermark) for each origin in ascending key order)}. */
  public byte[] hash() {
    byte[][] parts = new byte[watermarks.size() * 2 + 1][];
    parts[0] = TAG;
    int i = 1;
    for (var e : watermarks.entrySet()) {
      parts[i++] = e.getKey().bytes();
      parts[i++] = ByteBuffer.allocate(8).putLong(e.getValue()).array();
    }
    return Sha256.hash(parts);
  }

  /** The total number of events in the cut. */
  public long events() {
    return watermarks.values().stream().mapToLong(Long::longValue).sum();
  }
}
