package org.xmtpj.chain;

import java.io.IOException;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;
import org.web3j.tx.ReadonlyTransactionManager;

/**
 * The transaction manager the generated wrappers use for views. web3j's own turns a revert into a
 * {@code ContractCallException} holding only the node's message; this one decodes the revert data into a
 * {@link ContractRevertException} that names the custom error (e.g. {@code NotRegistered}).
 */
final class DecodingCallManager extends ReadonlyTransactionManager {
  private final Web3j web3j;
  private final String from;

  DecodingCallManager(Web3j web3j, String from) {
    super(web3j, from);
    this.web3j = web3j;
    this.from = from;
  }

  @Override
  public String sendCall(String to, String data, DefaultBlockParameter block) throws IOException {
    EthCall call = web3j.ethCall(Transaction.createEthCallTransaction(from, to, data), block).send();
    String operation = "eth_call to " + to;
    if (call.hasError()) {
      ContractRevertException revert = RevertDecoder.fromRpcError(operation, call.getError());
      throw revert != null ? revert : new ChainException(operation + " failed: " + call.getError().getMessage());
    }
    if (call.isReverted()) {
      // a node that reports Error(string) as the call's result rather than as an error
      throw RevertDecoder.fromData(operation, call.getValue());
    }
    return call.getValue();
  }
}
