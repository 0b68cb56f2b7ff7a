package org.xmtpj.chain.node;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.tuples.generated.Tuple8;
import org.xmtpj.chain.ChainException;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.TxReceipt;
import org.xmtpj.chain.contracts.NodeRegistry;
import org.xmtpj.crypto.Ed25519KeyPair;
import org.xmtpj.crypto.Ethereum;

/** {@link NodeRegistryClient} over the generated web3j wrapper. */
final class Web3jNodeRegistryClient implements NodeRegistryClient {
  private final ChainSession session;
  private final String address;
  private final NodeRegistry contract;

  Web3jNodeRegistryClient(ChainSession session) {
    this.session = session;
    this.address = session.deployment().nodeRegistryAddress();
    this.contract = session.contract(address, NodeRegistry::load);
  }

  @Override
  public long register(Ed25519KeyPair nodeKey, String endpoint, int commissionBps) {
    byte[] proof = NodeRegistration.sign(nodeKey, session.deployment().chainId(), address, session.senderAddress());
    return register(nodeKey.publicKey(), endpoint, commissionBps, proof);
  }

  @Override
  public long register(byte[] nodeKey, String endpoint, int commissionBps, byte[] nodeKeySignature) {
    if (nodeKey.length != RegisteredNode.NODE_KEY_LENGTH) {
      throw new IllegalArgumentException("node key must be 32 bytes, got " + nodeKey.length);
    }
    TransactionReceipt receipt = session.send("NodeRegistry.register", address,
        contract.register(nodeKey, endpoint, BigInteger.valueOf(commissionBps), nodeKeySignature));
    List<NodeRegistry.NodeRegisteredEventResponse> events = NodeRegistry.getNodeRegisteredEvents(receipt);
    if (events.isEmpty()) {
      throw new ChainException("NodeRegistry.register: no NodeRegistered event in " + receipt.getTransactionHash());
    }
    return events.get(0).nodeId.longValueExact();
  }

  @Override
  public TxReceipt updateEndpoint(long nodeId, String endpoint) {
    return TxReceipt.of(session.send("NodeRegistry.updateEndpoint", address,
        contract.updateEndpoint(BigInteger.valueOf(nodeId), endpoint)));
  }

  @Override
  public TxReceipt setCommission(long nodeId, int commissionBps) {
    return TxReceipt.of(session.send("NodeRegistry.setCommission", address,
        contract.setCommission(BigInteger.valueOf(nodeId), BigInteger.valueOf(commissionBps))));
  }

  @Override
  public TxReceipt deregister(long nodeId) {
    return TxReceipt.of(session.send("NodeRegistry.deregister", address,
        contract.deregister(BigInteger.valueOf(nodeId))));
  }

  @Override
  public Optional<RegisteredNode> node(long nodeId) {
    try {
      Tuple8<String, byte[], String, BigInteger, BigInteger, BigInteger, Boolean, BigInteger> t =
          session.query("NodeRegistry.getNode", () -> contract.getNode(BigInteger.valueOf(nodeId)).send());
      return Optional.of(new RegisteredNode(nodeId, Ethereum.checksum(t.component1()), t.component2(), t.component3(),
          t.component4().intValueExact(), t.component5().intValueExact(), t.component6().longValueExact(),
          t.component7(), t.component8().longValueExact()));
    } catch (ContractRevertException e) {
      if ("UnknownNode".equals(e.errorName())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public OptionalLong nodeIdByKey(byte[] nodeKey) {
    return nonZero(session.query("NodeRegistry.nodeIdByKey", () -> contract.nodeIdByKey(nodeKey).send()));
  }

  @Override
  public OptionalLong nodeIdOfOperator(String operator) {
    return nonZero(session.query("NodeRegistry.nodeIdOfOperator", () -> contract.nodeIdOfOperator(operator).send()));
  }

  @Override
  public long nodeCount() {
    return session.query("NodeRegistry.nodeCount", () -> contract.nodeCount().send()).longValueExact();
  }

  @Override
  public List<RegisteredNode> nodes() {
    long count = nodeCount();
    List<RegisteredNode> out = new ArrayList<>();
    for (long id = 1; id <= count; id++) {
      node(id).ifPresent(out::add);
    }
    return out;
  }

  /** The registry answers 0 for "none": ids start at 1. */
  private static OptionalLong nonZero(BigInteger id) {
    return id.signum() == 0 ? OptionalLong.empty() : OptionalLong.of(id.longValueExact());
  }
}
