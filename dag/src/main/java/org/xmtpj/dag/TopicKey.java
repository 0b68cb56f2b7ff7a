package org.xmtpj.dag;

import java.util.Arrays;

/** A topic's id inside the DAG ({@link TopicIds#of}), as a value usable in maps (ordered bytewise, unsigned). */
public record TopicKey(byte[] bytes) implements Comparable<TopicKey> {
  public TopicKey {
    bytes = Key32.check(bytes, "topic key");
  }

  public static TopicKey of(String contentTopic) {
    return new TopicKey(TopicIds.of(contentTopic));
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The bucket of the reconciliation fingerprint this topic falls in: its first byte. */
  public int bucket() {
    return bytes[0] & 0xff;
  }

  @Override
  public int compareTo(TopicKey o) {
    return Key32.compare(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopicKey k && Arrays.equals(k.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  public String hex() {
    return Key32.hex(bytes);
  }

  @Override
  public String toString() {
    return "Topic[" + hex().substring(0, 12) + "]";
  }
}
