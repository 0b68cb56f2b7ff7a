package org.xmtpj.testing.cluster;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.util.List;
import java.util.Optional;

/**
 * One node's {@code GET /debug/checkpoints} document ({@code Checkpointer.status()} in the node), parsed with
 * Gson: the epochs it computed on its own, newest first, at most 16.
 *
 * @param epochLengthSeconds the chain's epoch length
 * @param settleMs how long after an epoch's boundary the node waits before it computes the epoch's cut
 */
public record CheckpointStatus(long epochLengthSeconds, long settleMs, List<Checkpoint> checkpoints) {
  private static final Gson GSON = new Gson();

  /**
   * One computed epoch.
   *
   * @param boundaryMs the epoch's boundary (wall clock, ms): the cut holds what the node had then
   * @param root the state root (hex)
   * @param cutHash the hash of the cut (hex)
   * @param events the events in the cut; {@code newEvents} of them since the epoch before
   * @param topics the topics in the state; {@code changedTopics} of them since the epoch before
   */
  public record Checkpoint(long epoch, long boundaryMs, String root, String cutHash, long events, long topics,
      long newEvents, long changedTopics, long computeMs) {}

  public CheckpointStatus {
    checkpoints = checkpoints == null ? List.of() : List.copyOf(checkpoints);
  }

  /**
   * Parses the document.
   *
   * @throws IllegalArgumentException when it is not such a document
   */
  public static CheckpointStatus parse(String json) {
    CheckpointStatus s;
    try {
      s = GSON.fromJson(json, CheckpointStatus.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not a /debug/checkpoints document: " + json, e);
    }
    if (s == null || s.epochLengthSeconds() <= 0) {
      throw new IllegalArgumentException("not a /debug/checkpoints document: " + json);
    }
    return s;
  }

  /** The node's checkpoint of {@code epoch}, if it computed that epoch and still lists it. */
  public Optional<Checkpoint> epoch(long epoch) {
    return checkpoints.stream().filter(c -> c.epoch() == epoch).findFirst();
  }
}
