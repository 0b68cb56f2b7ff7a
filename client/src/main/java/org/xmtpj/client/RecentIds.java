package org.xmtpj.client;

import com.google.protobuf.ByteString;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xmtpj.crypto.Sha256;

/** A bounded set of recently seen envelope digests: a stream's catch-up overlaps what it delivered live. */
final class RecentIds {
  private final Map<ByteString, Boolean> ids;

  RecentIds(int capacity) {
    this.ids = new LinkedHashMap<>(capacity, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteString, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  /** True if this (topic, message) was not seen before. */
  boolean add(String topic, ByteString message) {
    byte[] digest = Sha256.hash(topic.getBytes(java.nio.charset.StandardCharsets.UTF_8), message.toByteArray());
    return ids.put(ByteString.copyFrom(digest), Boolean.TRUE) == null;
  }
}
