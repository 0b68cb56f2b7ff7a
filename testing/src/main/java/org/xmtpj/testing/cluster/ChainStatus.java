package org.xmtpj.testing.cluster;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import java.util.List;

/**
 * One node's {@code GET /debug/chain} document ({@code ChainFollower.status} in the node), parsed with Gson: how
 * far it has indexed the chain and the active set it follows.
 *
 * @param selfNodeId the node's own registered id; null while it is not registered
 * @param selfActive whether the node is in the active set it follows
 * @param epoch the epoch of that active set's snapshot
 * @param lastError the last polling error; null when the last poll succeeded
 */
public record ChainStatus(String rpc, long chainId, long indexedBlock, long headBlock, long lagBlocks, long reorgs,
    boolean stale, String lastError, Long selfNodeId, boolean selfActive, long epoch, int registeredNodes,
    List<Member> activeSet) {
  private static final Gson GSON = new Gson();

  /** A node of the active set: its id, key (hex) and registered replication endpoint. */
  public record Member(long id, String nodeKey, String endpoint) {}

  public ChainStatus {
    activeSet = activeSet == null ? List.of() : List.copyOf(activeSet);
  }

  /**
   * Parses the document.
   *
   * @throws IllegalArgumentException when it is not such a document
   */
  public static ChainStatus parse(String json) {
    ChainStatus s;
    try {
      s = GSON.fromJson(json, ChainStatus.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not a /debug/chain document: " + json, e);
    }
    if (s == null || s.rpc() == null) {
      throw new IllegalArgumentException("not a /debug/chain document: " + json);
    }
    return s;
  }

  /** The ids of the active set, in the node's order (by stake, then id). */
  public List<Long> activeIds() {
    return activeSet.stream().map(Member::id).toList();
  }
}
