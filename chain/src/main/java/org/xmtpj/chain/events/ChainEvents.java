package org.xmtpj.chain.events;

import java.util.List;
import java.util.Optional;
import org.xmtpj.chain.ChainSession;

/**
 * Reads the registry contracts' events (NodeRegistry, Staking, IdentityRegistry, and Checkpoints when the deployment
 * has it) by block range with eth_getLogs, for an indexer that follows the chain. Nothing here polls or remembers:
 * the caller keeps its cursor, and checks {@link #blockHash} of blocks it indexed to detect reorgs (then re-reads
 * from the fork point).
 */
public interface ChainEvents {

  /** At most this many blocks per eth_getLogs request: public RPC providers commonly cap the range. */
  long DEFAULT_MAX_BLOCK_RANGE = 2_000;

  static ChainEvents connect(ChainSession session) {
    return new Web3jChainEvents(session, DEFAULT_MAX_BLOCK_RANGE);
  }

  static ChainEvents connect(ChainSession session, long maxBlockRange) {
    return new Web3jChainEvents(session, maxBlockRange);
  }

  /**
   * The decoded events of blocks {@code fromBlock..toBlock} (inclusive), in chain order (block, then log index).
   * Start from the deployment's {@code deployBlock}.
   */
  List<ChainEvent> fetch(long fromBlock, long toBlock);

  /** The latest block number. */
  long latestBlock();

  /** The hash of a block, or empty when the chain is shorter. */
  Optional<String> blockHash(long blockNumber);
}
