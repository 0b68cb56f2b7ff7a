package org.xmtpj.node.chain;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.events.ChainEvent;
import org.xmtpj.chain.events.ChainEvents;
import org.xmtpj.chain.events.EventSource;
import org.xmtpj.chain.staking.ActiveNode;

/**
 * An in-memory chain of blocks that can fork: enough to drive the indexer through reorgs deterministically (the
 * integration tests use a real Hardhat node). Block hashes are unique per (fork generation, height).
 */
final class FakeChain implements ChainEvents {
  private final List<List<Function<EventSource, ChainEvent>>> blocks = new ArrayList<>();
  private final List<String> hashes = new ArrayList<>();
  private int generation;
  private boolean down;
  private int fetches;
  /** Runs inside fetch, after the logs were read: lets a test fork the chain in the middle of a read. */
  Runnable duringFetch = () -> {};

  FakeChain() {
    mine(); // block 0: genesis
  }

  @SafeVarargs
  final long mine(Function<EventSource, ChainEvent>... events) {
    blocks.add(List.of(events));
    hashes.add("0x" + generation + "g" + blocks.size());
    return blocks.size() - 1;
  }

  /** Drops every block above {@code keep}; the blocks mined next get new hashes. */
  void reorgTo(long keep) {
    while (blocks.size() > keep + 1) {
      blocks.removeLast();
      hashes.removeLast();
    }
    generation++;
  }

  void setDown(boolean d) {
    down = d;
  }

  int fetches() {
    return fetches;
  }

  @Override
  public List<ChainEvent> fetch(long fromBlock, long toBlock) {
    check();
    fetches++;
    List<ChainEvent> out = new ArrayList<>();
    for (long b = fromBlock; b <= toBlock && b < blocks.size(); b++) {
      int index = 0;
      for (var make : blocks.get((int) b)) {
        out.add(make.apply(new EventSource("0xc", b, hashes.get((int) b), "0xt" + b, index++)));
      }
    }
    Runnable r = duringFetch;
    duringFetch = () -> {};
    r.run();
    return out;
  }

  @Override
  public long latestBlock() {
    check();
    return blocks.size() - 1;
  }

  @Override
  public Optional<String> blockHash(long blockNumber) {
    check();
    return blockNumber < hashes.size() ? Optional.of(hashes.get((int) blockNumber)) : Optional.empty();
  }

  private void check() {
    if (down) {
      throw new ChainException("connection refused");
    }
  }

  static Function<EventSource, ChainEvent> registered(long id, int keyByte, String endpoint) {
    byte[] key = new byte[32];
    key[0] = (byte) keyByte;
    return s -> new ChainEvent.NodeRegistered(s, id, "0xOp" + id, key, endpoint, 500);
  }

  static Function<EventSource, ChainEvent> snapshot(long epoch, long... ids) {
    List<ActiveNode> nodes = new ArrayList<>();
    for (long id : ids) {
      nodes.add(new ActiveNode(id, BigInteger.TEN));
    }
    return s -> new ChainEvent.EpochSnapshotted(s, epoch, nodes, BigInteger.TEN.multiply(BigInteger.valueOf(ids.length)));
  }

  static Function<EventSource, ChainEvent> deregistered(long id) {
    return s -> new ChainEvent.NodeDeregistered(s, id, "0xOp" + id);
  }

  static Function<EventSource, ChainEvent> endpointChanged(long id, String endpoint) {
    return s -> new ChainEvent.NodeUpdated(s, id, endpoint, 500);
  }
}
