package org.xmtpj.node.checkpoint;

import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xmtpj.chain.ChainSession;
import org.xmtpj.chain.Deployment;
import org.xmtpj.chain.Signer;
import org.xmtpj.chain.checkpoint.CheckpointTypedData;
import org.xmtpj.chain.checkpoint.CheckpointsClient;
import org.xmtpj.chain.node.NodeRegistryClient;
import org.xmtpj.chain.staking.StakingClient;
import org.xmtpj.node.ingest.Publisher;
import org.xmtpj.store.EventStore;

/** Wires a node into checkpoint consensus when it can take part: an operator key and a Checkpoints contract. */
public final class ConsensusSetup {
  private static final Logger LOG = LoggerFactory.getLogger(ConsensusSetup.class);

  private ConsensusSetup() {}

  /**
   * @param session the node's read-only chain session
   * @param operatorKey the operator's private key (hex), or null: the node then computes checkpoints only
   * @param caughtUp whether replication has finished its first catch-up (the node signs only after it)
   */
  public static void attach(Checkpointer checkpointer, ChainSession session, String operatorKey, byte[] nodeKey,
      Publisher publisher, EventStore store, Path dataDir, Clock clock, boolean equivocate,
      java.util.function.BooleanSupplier caughtUp, io.prometheus.metrics.model.registry.PrometheusRegistry registry) {
    Deployment d = session.deployment();
    if (operatorKey == null) {
      LOG.info("no operator key: this node computes checkpoints but does not sign or submit them");
      return;
    }
    if (!d.contracts().containsKey("Checkpoints")) {
      LOG.warn("the deployment has no Checkpoints contract: checkpoints are computed but not signed");
      return;
    }
    ChainSession signing = session.withSigner(Signer.fromPrivateKey(operatorKey));
    checkpointer.consensus(new Consensus(CheckpointsClient.connect(signing), StakingClient.connect(session),
        NodeRegistryClient.connect(session), CheckpointTypedData.of(d), Signer.fromPrivateKey(operatorKey), nodeKey,
        publisher, store, new SignedLog(dataDir.resolve("checkpoints").resolve("signed.log")), clock, equivocate,
        caughtUp, new ConsensusMetrics(registry)));
  }
}
