package org.xmtpj.chain.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.ContractRevertException;
import org.xmtpj.chain.contracts.NodeRegistry;
import org.xmtpj.chain.local.LocalChain;
import org.xmtpj.crypto.Ed25519KeyPair;

/** NodeRegistry through the adapter, against the real contract on a local Hardhat node. */
class NodeRegistryClientIT {
  static final SecureRandom RANDOM = new SecureRandom();
  static LocalChain chain;
  static ChainSession session;

  @BeforeAll
  static void start() {
    chain = LocalChain.start();
    session = chain.connect();
  }

  @AfterAll
  static void stop() {
    session.close();
    chain.close();
  }

  /** Each test registers with its own operator account: one live node per operator. */
  static NodeRegistryClient operator(int account) {
    return NodeRegistryClient.connect(session.withSigner(chain.accounts().get(account)));
  }

  @Test
  void registersANodeAndReadsItBack() {
    Ed25519KeyPair key = randomKey();
    String operator = chain.accounts().get(1).address();

    long id = operator(1).register(key, "https://node-1.example:5556", 500);

    RegisteredNode node = NodeRegistryClient.connect(session).node(id).orElseThrow();
    assertThat(node.id()).isEqualTo(id);
    assertThat(node.operator()).isEqualTo(operator);
    assertThat(node.nodeKey()).isEqualTo(key.publicKey());
    assertThat(node.endpoint()).isEqualTo("https://node-1.example:5556");
    assertThat(node.commissionBps()).isEqualTo(500);
    assertThat(node.registered()).isTrue();
    assertThat(node.registeredAt()).isPositive();
    NodeRegistryClient reader = NodeRegistryClient.connect(session);
    assertThat(reader.nodeIdByKey(key.publicKey())).hasValue(id);
    assertThat(reader.nodeIdOfOperator(operator)).hasValue(id);
    assertThat(reader.nodes()).contains(node);
  }

  @Test
  void aKeyThatIsAlreadyRegisteredIsRejectedWithNodeKeyTaken() {
    Ed25519KeyPair key = randomKey();
    operator(2).register(key, "https://node-2.example", 0);

    assertThatThrownBy(() -> operator(3).register(key, "https://node-3.example", 0))
        .isInstanceOfSatisfying(ContractRevertException.class, e -> {
          assertThat(e.operation()).isEqualTo("NodeRegistry.register");
          assertThat(e.errorName()).isEqualTo("NodeKeyTaken");
          assertThat((byte[]) e.arguments().get(0)).isEqualTo(key.publicKey());
        });
  }

  @Test
  void onlyTheOperatorMayChangeItsNode() {
    long id = operator(4).register(randomKey(), "https://node-4.example", 100);

    operator(4).updateEndpoint(id, "https://node-4b.example");

    assertThat(NodeRegistryClient.connect(session).node(id).orElseThrow().endpoint())
        .isEqualTo("https://node-4b.example");
    assertThatThrownBy(() -> operator(5).updateEndpoint(id, "https://hijack.example"))
        .isInstanceOfSatisfying(ContractRevertException.class,
            e -> assertThat(e.errorName()).isEqualTo("NotOperator"));
  }

  @Test
  void aCommissionDecreaseAppliesAtOnceAndAnIncreaseIsScheduled() {
    long id = operator(6).register(randomKey(), "https://node-6.example", 1_000);

    operator(6).setCommission(id, 400);
    assertThat(NodeRegistryClient.connect(session).node(id).orElseThrow().commissionBps()).isEqualTo(400);

    operator(6).setCommission(id, 900);
    RegisteredNode node = NodeRegistryClient.connect(session).node(id).orElseThrow();
    assertThat(node.commissionBps()).isEqualTo(400);
    assertThat(node.pendingCommissionBps()).isEqualTo(900);
    assertThat(node.pendingCommissionAt()).isGreaterThan(session.latestBlockTimestamp());
  }

  @Test
  void aCommissionAboveTheMaximumIsRejectedWithCommissionTooHigh() {
    assertThatThrownBy(() -> operator(7).register(randomKey(), "https://node-7.example", 5_001))
        .isInstanceOfSatisfying(ContractRevertException.class, e -> {
          assertThat(e.errorName()).isEqualTo("CommissionTooHigh");
          assertThat(e.getMessage()).isEqualTo("NodeRegistry.register reverted with CommissionTooHigh(5001, 5000)");
        });
  }

  @Test
  void aDeregisteredNodeStaysReadableAndItsOperatorMayRegisterAgain() {
    long id = operator(8).register(randomKey(), "https://node-8.example", 0);

    operator(8).deregister(id);

    RegisteredNode node = NodeRegistryClient.connect(session).node(id).orElseThrow();
    assertThat(node.registered()).isFalse();
    assertThat(NodeRegistryClient.connect(session).nodeIdOfOperator(node.operator())).isEmpty();
    assertThat(operator(8).register(randomKey(), "https://node-8b.example", 0)).isGreaterThan(id);
  }

  @Test
  void anIdNeverAssignedReadsAsEmpty() {
    NodeRegistryClient reader = NodeRegistryClient.connect(session);

    assertThat(reader.node(reader.nodeCount() + 1)).isEmpty();
    assertThat(reader.nodeIdByKey(randomKey().publicKey())).isEmpty();
  }

  @Test
  void aReadOnlySessionCannotSend() {
    assertThatThrownBy(() -> NodeRegistryClient.connect(session).register(randomKey(), "https://x.example", 0))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("read-only");
  }

  @Test
  void aStrangerCannotRegisterAnotherOperatorsNodeKey() {
    Ed25519KeyPair honestKey = randomKey();
    String honest = chain.accounts().get(10).address();
    String stranger = chain.accounts().get(9).address();
    long chainId = chain.deployment().chainId();
    String registry = chain.deployment().nodeRegistryAddress();
    byte[] frontRun = NodeRegistration.sign(honestKey, chainId, registry, honest); // copied from the mempool
    byte[] otherChain = NodeRegistration.sign(honestKey, chainId + 1, registry, stranger); // a proof replayed

    for (byte[] proof : new byte[][] {frontRun, otherChain, new byte[64]}) {
      assertThatThrownBy(() -> operator(9).register(honestKey.publicKey(), "https://squat.example", 0, proof))
          .isInstanceOfSatisfying(ContractRevertException.class, e -> {
            assertThat(e.errorName()).isEqualTo("InvalidNodeKeySignature");
            assertThat((byte[]) e.arguments().get(0)).isEqualTo(honestKey.publicKey());
          });
    }

    long id = operator(10).register(honestKey, "https://honest.example", 0);
    assertThat(NodeRegistryClient.connect(session).node(id).orElseThrow().operator()).isEqualTo(honest);
    assertThat(NodeRegistryClient.connect(session).nodeIdOfOperator(stranger)).isEmpty();
  }

  @Test
  void theRegistrationMessageIsTheContractsOwn() throws Exception {
    Ed25519KeyPair key = randomKey();
    String operator = chain.accounts().get(11).address();
    NodeRegistry contract = session.contract(chain.deployment().nodeRegistryAddress(), NodeRegistry::load);

    byte[] onChain = contract.registrationMessage(operator, key.publicKey()).send();

    assertThat(NodeRegistration.message(chain.deployment().chainId(), chain.deployment().nodeRegistryAddress(),
        operator, key.publicKey())).isEqualTo(onChain).hasSize(NodeRegistration.MESSAGE_LENGTH);
  }

  static Ed25519KeyPair randomKey() {
    return Ed25519KeyPair.generate(RANDOM);
  }
}
