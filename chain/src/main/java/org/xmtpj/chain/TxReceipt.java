package org.xmtpj.chain;

import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A mined, successful transaction: enough to find it again (hash, block) and to account for its cost.
 *
 * @param hash the transaction hash (0x hex)
 * @param blockNumber the block that includes it
 * @param gasUsed the gas it consumed
 */
public record TxReceipt(String hash, long blockNumber, long gasUsed) {

  /** Converts web3j's receipt (of a successful transaction). */
  public static TxReceipt of(TransactionReceipt r) {
    return new TxReceipt(r.getTransactionHash(), r.getBlockNumber().longValueExact(), r.getGasUsed().longValueExact());
  }
}
