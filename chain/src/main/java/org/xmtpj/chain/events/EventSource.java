package org.xmtpj.chain.events;

import java.util.Objects;

/**
 * Where a log came from. The block hash lets an indexer notice a reorg: if the chain's hash at
 * {@code blockNumber} no longer equals it, the event was dropped or moved.
 *
 * @param contract the emitting contract's address
 * @param blockNumber the block
 * @param blockHash that block's hash when the log was read
 * @param transactionHash the transaction
 * @param logIndex the log's position in the block (with blockNumber, a total order of events)
 */
public record EventSource(String contract, long blockNumber, String blockHash, String transactionHash, long logIndex) {
  public EventSource {
    Objects.requireNonNull(contract, "contract");
    Objects.requireNonNull(blockHash, "blockHash");
    Objects.requireNonNull(transactionHash, "transactionHash");
  }
}
