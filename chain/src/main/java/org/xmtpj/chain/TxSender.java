package org.xmtpj.chain;

import java.io.IOException;
import java.math.BigInteger;
import java.util.Optional;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.DefaultBlockParameterName;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.protocol.core.methods.response.EthEstimateGas;
import org.web3j.protocol.core.methods.response.EthMaxPriorityFeePerGas;
import org.web3j.protocol.core.methods.response.EthSendTransaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tx.RawTransactionManager;

/**
 * Sends contract transactions signed with a local key: estimate gas (which also surfaces a revert before anything
 * is paid), sign (EIP-1559 by default, legacy on request), submit, wait for the receipt with a deadline, and turn
 * a failed receipt into a {@link ContractRevertException} by replaying the call.
 *
 * <p>One sender per key; {@link #send} is synchronized because web3j takes the nonce from the pending transaction
 * count, so two concurrent sends with one key would reuse a nonce.
 */
final class TxSender {
  /** Headroom over eth_estimateGas: state can move between estimate and inclusion (e.g. a new candidate). */
  private static final int GAS_MARGIN_PERCENT = 25;
  private static final BigInteger FALLBACK_PRIORITY_FEE = BigInteger.valueOf(1_000_000_000L);

  private final Web3j web3j;
  private final Signer signer;
  private final long chainId;
  private final ChainSession.Options options;
  private final RawTransactionManager manager;

  TxSender(Web3j web3j, Signer signer, long chainId, ChainSession.Options options) {
    this.web3j = web3j;
    this.signer = signer;
    this.chainId = chainId;
    this.options = options;
    this.manager = new RawTransactionManager(web3j, signer.credentials(), chainId);
  }

  synchronized TransactionReceipt send(String operation, String to, String data) {
    try {
      BigInteger gasLimit = estimateGas(operation, to, data);
      EthSendTransaction sent = options.eip1559()
          ? sendEip1559(to, data, gasLimit)
          : manager.sendTransaction(web3j.ethGasPrice().send().getGasPrice(), gasLimit, to, data, BigInteger.ZERO);
      if (sent.hasError()) {
        ContractRevertException revert = RevertDecoder.fromRpcError(operation, sent.getError());
        throw revert != null ? revert
            : new ChainException(operation + ": transaction rejected: " + sent.getError().getMessage());
      }
      TransactionReceipt receipt = awaitReceipt(operation, sent.getTransactionHash());
      if (!receipt.isStatusOK()) {
        throw replayRevert(operation, to, data, receipt);
      }
      return receipt;
    } catch (IOException e) {
      throw new ChainException(operation + ": RPC failed: " + e.getMessage(), e);
    }
  }

  private BigInteger estimateGas(String operation, String to, String data) throws IOException {
    Transaction tx = Transaction.createFunctionCallTransaction(
        signer.address(), null, null, null, to, BigInteger.ZERO, data);
    EthEstimateGas estimate = web3j.ethEstimateGas(tx).send();
    if (estimate.hasError()) {
      ContractRevertException revert = RevertDecoder.fromRpcError(operation, estimate.getError());
      throw revert != null ? revert
          : new ChainException(operation + ": gas estimation failed: " + estimate.getError().getMessage());
    }
    BigInteger gas = estimate.getAmountUsed();
    return gas.add(gas.multiply(BigInteger.valueOf(GAS_MARGIN_PERCENT)).divide(BigInteger.valueOf(100)));
  }

  private EthSendTransaction sendEip1559(String to, String data, BigInteger gasLimit) throws IOException {
    BigInteger priority = priorityFee();
    BigInteger baseFee = Optional.ofNullable(
            web3j.ethGetBlockByNumber(DefaultBlockParameterName.LATEST, false).send().getBlock())
        .map(b -> b.getBaseFeePerGasRaw() == null ? BigInteger.ZERO : b.getBaseFeePerGas())
        .orElse(BigInteger.ZERO);
    // Twice the current base fee survives six full blocks of +12.5% each; the node charges only what is due.
    BigInteger maxFee = baseFee.shiftLeft(1).add(priority);
    return manager.sendEIP1559Transaction(chainId, priority, maxFee, gasLimit, to, data, BigInteger.ZERO);
  }

  private BigInteger priorityFee() throws IOException {
    EthMaxPriorityFeePerGas fee = web3j.ethMaxPriorityFeePerGas().send();
    // not every node implements eth_maxPriorityFeePerGas; 1 gwei is the common default tip
    return fee.hasError() || fee.getResult() == null ? FALLBACK_PRIORITY_FEE : fee.getMaxPriorityFeePerGas();
  }

  private TransactionReceipt awaitReceipt(String operation, String hash) throws IOException {
    long deadline = System.nanoTime() + options.receiptTimeout().toNanos();
    while (true) {
      Optional<TransactionReceipt> receipt = web3j.ethGetTransactionReceipt(hash).send().getTransactionReceipt();
      if (receipt.isPresent()) {
        return receipt.get();
      }
      if (System.nanoTime() - deadline > 0) {
        throw new ChainException(operation + ": transaction " + hash + " not mined within "
            + options.receiptTimeout().toSeconds() + " s");
      }
      try {
        Thread.sleep(options.pollInterval().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ChainException(operation + ": interrupted while waiting for " + hash, e);
      }
    }
  }

  /**
   * A mined transaction reverted (its estimate passed, so the state changed in between). The receipt has no
   * revert data; replaying the call on the state before its block recovers it in the common case of a
   * one-transaction block, and otherwise still reports the failure.
   */
  private ContractRevertException replayRevert(String operation, String to, String data, TransactionReceipt r)
      throws IOException {
    BigInteger before = r.getBlockNumber().subtract(BigInteger.ONE).max(BigInteger.ZERO);
    EthCall replay = web3j.ethCall(
        Transaction.createEthCallTransaction(signer.address(), to, data), DefaultBlockParameter.valueOf(before))
        .send();
    ContractRevertException decoded = replay.hasError()
        ? RevertDecoder.fromRpcError(operation, replay.getError()) : null;
    return decoded != null ? decoded
        : RevertDecoder.fromData(operation + " (tx " + r.getTransactionHash() + ")", null);
  }
}
