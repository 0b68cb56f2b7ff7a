package org.xmtpj.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xmtpj.crypto.Sha256;
import org.xmtpj.crypto.state.StateHashes;
import org.xmtpj.crypto.state.StateProof;

/**
 * Checks an {@link InclusionProof} the way docs/consensus.md §6 says, with its own reading of the canonical event
 * encoding (so that the SDK trusts neither the node nor the node's code). Every failure names the check.
 */
public final class InclusionVerifier {
  private static final byte[] EVENT_DOMAIN = "xmtpj/event/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TOPIC_DOMAIN = "xmtpj/topic/v1\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CUT_TAG = "xmtpj/cut/v1".getBytes(StandardCharsets.US_ASCII);
  private static final int CLIENT_ENVELOPE = 1;

  private InclusionVerifier() {}

  /** The outcome: valid, or the reason it is not. */
  public record Verdict(boolean valid, String reason) {
    static Verdict ok(long epoch) {
      return new Verdict(true, "included in the finalized cut of epoch " + epoch);
    }

    static Verdict no(String reason) {
      return new Verdict(false, reason);
    }
  }

  /**
   * When and by when the epoch's checkpoint was finalized, as the Checkpoints contract reports them ({@code
   * finalizedAt(epoch)}, {@code finalizationDeadline(epoch)}; chain seconds).
   *
   * @param finalizedAt block time of the finalizing submission; 0 when the contract reports none
   * @param deadline first second at which the epoch could no longer be finalized
   */
  public record FinalizationWindow(long finalizedAt, long deadline) {}

  /**
   * As {@link #verify(InclusionProof, String, byte[], long, byte[], byte[])}, and the checkpoint must have been
   * finalized inside its window: a root finalized after the deadline could come from signers whose stake was
   * already withdrawn (a contract without the window, e.g. an older deployment, reports no finalization time and
   * fails here).
   */
  public static Verdict verify(InclusionProof p, String contentTopic, byte[] messageId, long epoch,
      byte[] finalizedRoot, byte[] finalizedCutHash, FinalizationWindow window) {
    if (window == null || window.finalizedAt() <= 0) {
      return Verdict.no("the chain reports no finalization time for epoch " + epoch);
    }
    if (window.finalizedAt() >= window.deadline()) {
      return Verdict.no("epoch " + epoch + " was finalized at " + window.finalizedAt()
          + ", after its finalization deadline " + window.deadline());
    }
    return verify(p, contentTopic, messageId, epoch, finalizedRoot, finalizedCutHash);
  }

  /**
   * @param contentTopic the envelope's topic
   * @param messageId sha256(message): the XMTP message id (a {@link DecodedMessage#id()} in bytes)
   * @param epoch the epoch the caller asked about
   * @param finalizedRoot the root recorded on chain for {@code epoch}, or null when the epoch is not finalized
   * @param finalizedCutHash the cut hash recorded with it (null to skip that check)
   */
  public static Verdict verify(InclusionProof p, String contentTopic, byte[] messageId, long epoch,
      byte[] finalizedRoot, byte[] finalizedCutHash) {
    if (p.epoch() != epoch) {
      return Verdict.no("the proof is for epoch " + p.epoch() + ", not " + epoch);
    }
    if (finalizedRoot == null) {
      return Verdict.no("epoch " + epoch + " has no finalized checkpoint on chain");
    }
    if (!Arrays.equals(p.root(), finalizedRoot)) {
      return Verdict.no("the proof's root is not the root finalized on chain for epoch " + epoch);
    }
    if (!Arrays.equals(cutHash(p.cut()), p.cutHash())
        || finalizedCutHash != null && !Arrays.equals(p.cutHash(), finalizedCutHash)) {
      return Verdict.no("the cut does not hash to the finalized cut hash");
    }
    if (p.path().isEmpty()) {
      return Verdict.no("the proof has no event");
    }
    try {
      return checkPath(p, contentTopic, messageId, epoch);
    } catch (RuntimeException e) {
      return Verdict.no("malformed proof: " + e.getMessage());
    }
  }

  private static Verdict checkPath(InclusionProof p, String topic, byte[] messageId, long epoch) {
    byte[] topicId = Sha256.hash(TOPIC_DOMAIN, topic.getBytes(StandardCharsets.UTF_8));
    Body first = Body.parse(p.path().getFirst());
    if (first.payloadType != CLIENT_ENVELOPE || !Arrays.equals(envelopeMessageId(first.payload, topic), messageId)) {
      return Verdict.no("the first event does not carry this envelope (wrong topic or message)");
    }
    byte[] previous = null;
    for (byte[] bytes : p.path()) {
      Body b = Body.parse(bytes);
      if (!Arrays.equals(b.topicId, topicId)) {
        return Verdict.no("an event of the path belongs to another topic");
      }
      long watermark = p.cut().getOrDefault(HexFormat.of().formatHex(b.origin), 0L);
      if (b.originSeq < 1 || b.originSeq > watermark) {
        return Verdict.no("an event of the path is outside the cut");
      }
      byte[] previousId = previous == null ? null : prevId(previous);
      if (previousId != null && b.parents.stream().noneMatch(x -> Arrays.equals(x, previousId))) {
        return Verdict.no("the path is broken: an event does not list the previous one as a parent");
      }
      previous = bytes;
    }
    byte[] headId = prevId(previous);
    if (p.heads().stream().noneMatch(h -> Arrays.equals(h, headId))) {
      return Verdict.no("the path does not end at a head of the topic");
    }
    byte[] leaf = StateHashes.topicHeads(p.heads());
    if (!new StateProof(topicId, leaf, p.siblings()).verifies(p.root())) {
      return Verdict.no("the topic's leaf is not under the root (state proof fails)");
    }
    return Verdict.ok(epoch);
  }

  private static byte[] prevId(byte[] body) {
    return Sha256.hash(EVENT_DOMAIN, body);
  }

  static byte[] cutHash(Map<String, Long> cut) {
    List<byte[]> parts = new ArrayList<>(List.of(CUT_TAG));
    for (var e : new TreeMap<>(cut).entrySet()) { // lowercase hex sorts like the unsigned bytes
      if (e.getValue() > 0) {
        parts.add(HexFormat.of().parseHex(e.getKey()));
        parts.add(ByteBuffer.allocate(8).putLong(e.getValue()).array());
      }
    }
    return Sha256.hash(parts.toArray(byte[][]::new));
  }

  /**
   * sha256(message) of the envelope payload {@code u32 topic_len ‖ topic ‖ u64 timestamp_ns ‖ u32 message_len ‖
   * message}, or null when the payload's topic is not {@code expectedTopic}.
   */
  private static byte[] envelopeMessageId(byte[] payload, String expectedTopic) {
    ByteBuffer buf = ByteBuffer.wrap(payload);
    byte[] topic = new byte[buf.getInt()];
    buf.get(topic);
    buf.getLong();
    byte[] message = new byte[buf.getInt()];
    buf.get(message);
    if (buf.hasRemaining()) {
      throw new IllegalArgumentException("trailing bytes after the envelope");
    }
    return new String(topic, StandardCharsets.UTF_8).equals(expectedTopic) ? Sha256.hash(message) : null;
  }

  /** The fields of a canonical event body the verifier needs (docs/replication.md). */
  private record Body(byte[] topicId, byte[] origin, long originSeq, List<byte[]> parents, int payloadType,
      byte[] payload) {
    static Body parse(byte[] body) {
      ByteBuffer buf = ByteBuffer.wrap(body);
      if ((buf.get() & 0xff) != 1) {
        throw new IllegalArgumentException("unknown event version");
      }
      byte[] topicId = take(buf, 32);
      byte[] origin = take(buf, 32);
      long seq = buf.getLong();
      buf.getLong(); // created at
      int parentCount = buf.getShort() & 0xffff;
      List<byte[]> parents = new ArrayList<>();
      for (int i = 0; i < parentCount; i++) {
        parents.add(take(buf, 32));
      }
      int type = buf.getShort() & 0xffff;
      byte[] payload = take(buf, buf.getInt());
      if (buf.hasRemaining()) {
        throw new IllegalArgumentException("trailing bytes after the event body");
      }
      return new Body(topicId, origin, seq, parents, type, payload);
    }

    private static byte[] take(ByteBuffer buf, int n) {
      if (n < 0 || n > buf.remaining()) {
        throw new IllegalArgumentException("truncated event body");
      }
      byte[] b = new byte[n];
      buf.get(b);
      return b;
    }
  }
}
