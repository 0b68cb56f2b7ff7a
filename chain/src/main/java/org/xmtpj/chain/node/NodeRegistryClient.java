package org.xmtpj.chain.node;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.TxReceipt;

/**
 * NodeRegistry: node registration by operators. Writes are sent from the session's signer (the operator) and
 * fail with {@link org.xmtpj.chain.ContractRevertException} naming the contract's error (e.g. {@code NodeKeyTaken},
 * {@code OperatorHasNode}, {@code NotOperator}, {@code CommissionTooHigh}).
 */
public interface NodeRegistryClient {

  static NodeRegistryClient connect(ChainSession session) {
    return new Web3jNodeRegistryClient(session);
  }

  /** Registers a node operated by the signer and returns its id. */
  long register(byte[] nodeKey, String endpoint, int commissionBps);

  TxReceipt updateEndpoint(long nodeId, String endpoint);

  /** Lowers the commission at once, or schedules an increase (see the contract's increase delay). */
  TxReceipt setCommission(long nodeId, int commissionBps);

  /** Deregisters the node for good; stakers can still undelegate, withdraw and claim. */
  TxReceipt deregister(long nodeId);

  /** The node with this id, deregistered ones included; empty for an id never assigned. */
  Optional<RegisteredNode> node(long nodeId);

  /** The id of the node that registered this key (also after it deregistered). */
  OptionalLong nodeIdByKey(byte[] nodeKey);

  /** The id of the operator's live node. */
  OptionalLong nodeIdOfOperator(String operator);

  /** How many ids were ever assigned. */
  long nodeCount();

  /** Every node ever registered, in id order (one call per node: for small registries and tools). */
  List<RegisteredNode> nodes();
}
