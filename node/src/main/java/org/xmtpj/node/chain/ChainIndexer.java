package org.xmtpj.node.chain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.chain.events.ChainEvent;
import org.xmtpj.chain.events.ChainEvents;

/**
 * Follows the registry contracts' events block by block and folds them into a {@link RegistryState}, surviving
 * reorgs. One thread (the follower's) calls {@link #poll}; the getters may be read from any thread.
 *
 * <p>Reorgs: the indexer remembers the hash of every block it ended a poll on and of every block that had
 * events, with the state after that block, for the last {@link #WINDOW} such blocks. Before reading further it
 * checks that the chain still has the block it stopped at; if not, it walks back through the remembered blocks to
 * the newest one the chain still has (blocks are hash-chained, so everything below it is unchanged), restores the
 * state after it and reads forward again. A reorg deeper than the window starts over from the deployment block.
 * A batch whose events' block hashes disagree with the chain at the end of the read (a reorg while reading) is
 * dropped and read again on the next poll.
 */
final class ChainIndexer {
  private static final Logger LOG = LoggerFactory.getLogger(ChainIndexer.class);

  /** Remembered blocks (poll ends and blocks with events): the deepest reorg handled without starting over. */
  static final int WINDOW = 256;

  private final ChainEvents events;
  private final long deployBlock;
  private final long confirmations;
  private final long maxBlocksPerPoll;
  private final NavigableMap<Long, Checkpoint> remembered = new TreeMap<>();
  // volatile: written by the follower's thread only, read by status pages and metrics
  private volatile long cursor;
  private volatile RegistryState state = RegistryState.EMPTY;
  private volatile long head = -1;
  private volatile long reorgs;

  private record Checkpoint(String hash, RegistryState state) {}

  /** What one poll did. */
  record Progress(boolean changed, long indexedBlock, long headBlock, int reorgDepth) {}

  ChainIndexer(ChainEvents events, long deployBlock, long confirmations, long maxBlocksPerPoll) {
    this.events = events;
    this.deployBlock = deployBlock;
    this.confirmations = confirmations;
    this.maxBlocksPerPoll = maxBlocksPerPoll;
    this.cursor = deployBlock - 1;
  }

  RegistryState state() {
    return state;
  }

  long indexedBlock() {
    return cursor;
  }

  long headBlock() {
    return head;
  }

  long reorgs() {
    return reorgs;
  }

  /**
   * Reads up to {@code maxBlocksPerPoll} new blocks (a caught-up indexer reads everything up to the head less the
   * confirmations). RPC failures propagate as {@link org.xmtpj.chain.ChainException}; the state is then unchanged.
   */
  Progress poll() {
    RegistryState before = state;
    head = events.latestBlock();
    int depth = checkForReorg();
    long target = Math.min(head - confirmations, cursor + maxBlocksPerPoll);
    if (target > cursor) {
      readForward(target);
    }
    return new Progress(!state.equals(before), cursor, head, depth);
  }

  private int checkForReorg() {
    Checkpoint last = remembered.get(cursor);
    if (last == null || hashAt(cursor).filter(last.hash()::equalsIgnoreCase).isPresent()) {
      return 0;
    }
    long forkedAt = cursor;
    for (Map.Entry<Long, Checkpoint> e : remembered.descendingMap().entrySet()) {
      if (hashAt(e.getKey()).filter(e.getValue().hash()::equalsIgnoreCase).isPresent()) {
        rollBackTo(e.getKey(), e.getValue().state());
        reorgs++;
        LOG.warn("chain reorg: block {} changed; rolled back to block {} and re-reading", forkedAt, cursor);
        return (int) (forkedAt - cursor);
      }
    }
    LOG.warn("chain reorg deeper than the {} remembered blocks below {}: re-indexing from the deployment block {}",
        WINDOW, forkedAt, deployBlock);
    rollBackTo(deployBlock - 1, RegistryState.EMPTY);
    reorgs++;
    return (int) (forkedAt - cursor);
  }

  private void rollBackTo(long block, RegistryState s) {
    remembered.tailMap(block, false).clear();
    cursor = block;
    state = s;
  }

  private void readForward(long to) {
    List<ChainEvent> batch = events.fetch(cursor + 1, to);
    Optional<String> endHash = hashAt(to);
    if (endHash.isEmpty() || !consistent(batch)) {
      LOG.info("chain changed while reading blocks {}..{}; reading them again", cursor + 1, to);
      return;
    }
    RegistryState s = state;
    List<ChainEvent> block = new ArrayList<>();
    for (ChainEvent e : batch) {
      if (!block.isEmpty() && block.getFirst().source().blockNumber() != e.source().blockNumber()) {
        s = remember(block, s);
        block.clear();
      }
      block.add(e);
    }
    if (!block.isEmpty()) {
      s = remember(block, s);
    }
    remembered.put(to, new Checkpoint(endHash.get(), s));
    trim();
    cursor = to;
    state = s;
  }

  private RegistryState remember(List<ChainEvent> block, RegistryState s) {
    RegistryState after = s.applyAll(block);
    var source = block.getFirst().source();
    remembered.put(source.blockNumber(), new Checkpoint(source.blockHash(), after));
    return after;
  }

  /** Every block with events in the batch still has the hash the events were read with. */
  private boolean consistent(List<ChainEvent> batch) {
    Map<Long, String> seen = new TreeMap<>();
    for (ChainEvent e : batch) {
      seen.putIfAbsent(e.source().blockNumber(), e.source().blockHash());
    }
    for (Map.Entry<Long, String> e : seen.entrySet()) {
      if (hashAt(e.getKey()).filter(e.getValue()::equalsIgnoreCase).isEmpty()) {
        return false;
      }
    }
    return true;
  }

  private void trim() {
    while (remembered.size() > WINDOW) {
      remembered.pollFirstEntry();
    }
  }

  private Optional<String> hashAt(long block) {
    return events.blockHash(block);
  }
}
