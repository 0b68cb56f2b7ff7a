package org.xmtpj.chain.node;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.crypto.Ed25519KeyPair;

/**
 * NodeRegistry: node registration by operators. Writes are sent from the session's signer (the operator) and
 * fail with {@link org.xmtpj.chain.ContractRevertException} naming the contract's error (e.g. {@code NodeKeyTaken},
 * {@code InvalidNodeKeySignature}, {@code OperatorHasNode}, {@code NotOperator}, {@code CommissionTooHigh}).
 */
public interface NodeRegistryClient {

  static NodeRegistryClient connect(ChainSession session) {
    return new Web3jNodeRegistryClient(session);
  }

  /**
   * Registers the node holding {@code nodeKey}, operated by the signer, and returns its id. The node key signs the
   * registration for the signer ({@link NodeRegistration}): the contract binds a key only to an operator that
   * proved possession of it.
   */
  long register(Ed25519KeyPair nodeKey, String endpoint, int commissionBps);

  /**
   * {@link #register(Ed25519KeyPair, String, int)} with a proof made elsewhere (e.g. where the node's private key
   * lives): {@code nodeKeySignature} is {@link NodeRegistration#sign} for this chain, registry and signer.
   */
  long register(byte[] nodeKey, String endpoint, int commissionBps, byte[] nodeKeySignature);

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
