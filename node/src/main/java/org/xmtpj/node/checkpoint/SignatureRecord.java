package org.xmtpj.node.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.xmtpj.chain.checkpoint.SignedCheckpoint;

/**
 * How a checkpoint signature travels: as the message of an envelope on {@link #TOPIC}, which every node originates
 * and replicates like any topic, so signatures ride the replication channels and survive restarts. Layout:
 * {@code "xmtpj/ckpt-sig/v1" ‖ u64 epoch ‖ u64 nodeId ‖ cutHash[32] ‖ root[32] ‖ signature[65]}.
 */
final class SignatureRecord {
  /** Reserved for nodes: clients may read it, never write it. */
  static final String TOPIC = "/xmtpj/0/checkpoint-signatures/proto";
  private static final byte[] TAG = "xmtpj/ckpt-sig/v1".getBytes(StandardCharsets.US_ASCII);
  static final int LENGTH = TAG.length + 8 + 8 + 32 + 32 + 65;

  private SignatureRecord() {}

  static byte[] encode(SignedCheckpoint s) {
    return ByteBuffer.allocate(LENGTH).put(TAG).putLong(s.epoch()).putLong(s.nodeId()).put(s.cutHash())
        .put(s.root()).put(s.signature()).array();
  }

  /** Empty for anything that is not exactly a record (junk on the topic is ignored, never fatal). */
  static Optional<SignedCheckpoint> decode(byte[] bytes) {
    if (bytes.length != LENGTH || !Arrays.equals(Arrays.copyOf(bytes, TAG.length), TAG)) {
      return Optional.empty();
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes, TAG.length, bytes.length - TAG.length);
    long epoch = buf.getLong();
    long nodeId = buf.getLong();
    byte[] cutHash = new byte[32];
    byte[] root = new byte[32];
    byte[] sig = new byte[65];
    buf.get(cutHash).get(root).get(sig);
    try {
      return Optional.of(new SignedCheckpoint(nodeId, epoch, cutHash, root, sig));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
